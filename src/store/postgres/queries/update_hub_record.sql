-- Writes only over the version the caller read (optimistic concurrency). A writer that commits
-- first makes the other's version check fail when it re-reads the row.
-- Params: $1 id, $2 data (JSON text), $3 deleted, $4 version read, $5 now (ms)
UPDATE hub_records SET data = $2::jsonb, deleted = $3::boolean, version = version + 1, updated_at = $5::bigint
WHERE id = $1::bigint AND version = $4::integer
