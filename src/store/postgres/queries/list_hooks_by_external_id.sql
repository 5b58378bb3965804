-- The hooks with a notification for one external id, newest first: read from the notifications'
-- external id index (migration 005), so that the hooks table is not scanned.
-- Params: $1 external id, $2 status, $3 connection, $4 since (received_at ≥, ms), $5 until (received_at <, ms), $6 before (id), $7 limit
SELECT id, connection, received_at, content_type, body_bytes, status, error_code, error_message, resolved_at
FROM hooks
WHERE id IN (SELECT hook_id FROM notifications WHERE external_id = $1::text)
  AND ($2::text IS NULL OR status = $2::text)
  AND ($3::text IS NULL OR connection = $3::text)
  AND ($4::bigint IS NULL OR received_at >= $4::bigint)
  AND ($5::bigint IS NULL OR received_at < $5::bigint)
  AND ($6::bigint IS NULL OR id < $6::bigint)
ORDER BY id DESC
LIMIT $7::integer
