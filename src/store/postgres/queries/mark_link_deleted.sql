-- Marks a connection's cross-reference to a hub record deleted: its external record is gone.
-- Params: $1 connection, $2 type, $3 hub id, $4 now (ms)
UPDATE external_ids SET deleted_at = $4::bigint
WHERE connection = $1::text AND type = $2::text AND hub_id = $3::bigint AND deleted_at IS NULL
