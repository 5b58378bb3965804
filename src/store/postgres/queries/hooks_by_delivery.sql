-- The hooks that carried these delivery ids on these connections (through hooks_by_delivery).
-- Params: $1 connections, $2 delivery ids
SELECT h.id, h.connection, h.delivery_id, h.received_at FROM hooks h
JOIN unnest($1::text[], $2::text[]) AS d (connection, delivery_id) ON h.connection = d.connection AND h.delivery_id = d.delivery_id
