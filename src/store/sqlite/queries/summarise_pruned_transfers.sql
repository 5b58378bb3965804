-- Adds the requests about to be pruned to their hub records' summary of pruned lineage (migration
-- 017): per hub record, direction, connection and status, how many and the time span they covered.
-- Params: @ids (JSON array of transfer ids)
INSERT INTO pruned_lineage (hub_id, direction, connection, status, steps, first_at, last_at)
SELECT hub_id, direction, connection, status, count(*), min(created_at), max(updated_at)
FROM transfers
WHERE id IN (SELECT value FROM json_each(@ids)) AND hub_id IS NOT NULL
GROUP BY hub_id, direction, connection, status
ON CONFLICT (hub_id, direction, connection, status) DO UPDATE
SET steps = steps + excluded.steps, first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)
