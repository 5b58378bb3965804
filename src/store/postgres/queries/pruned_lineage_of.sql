-- A hub record's summary of pruned lineage (migration 004): one row per direction, connection and status.
-- Params: $1 hub id
SELECT direction, connection, status, steps, first_at, last_at FROM pruned_lineage WHERE hub_id = $1::bigint
