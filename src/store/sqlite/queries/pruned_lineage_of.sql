-- A hub record's summary of pruned lineage (migration 017): one row per direction, connection and status.
-- Params: @hubId
SELECT direction, connection, status, steps, first_at, last_at FROM pruned_lineage WHERE hub_id = @hubId
