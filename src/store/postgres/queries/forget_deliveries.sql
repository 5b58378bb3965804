-- Delivery ids older than the retention window are released, so the senders may use them again.
-- Params: $1 hook ids
UPDATE hooks SET delivery_id = NULL WHERE id = ANY ($1::bigint[])
