-- Adds the requests about to be pruned to their hub records' summary of pruned lineage (migration
-- 004): per hub record, direction, connection and status, how many and the time span they covered.
-- In key order, so that two summaries never wait for each other in turn.
-- Params: $1 transfer ids
INSERT INTO pruned_lineage (hub_id, direction, connection, status, steps, first_at, last_at)
SELECT hub_id, direction, connection, status, count(*), min(created_at), max(updated_at)
FROM transfers
WHERE id = ANY($1::bigint[]) AND hub_id IS NOT NULL
GROUP BY hub_id, direction, connection, status
ORDER BY hub_id, direction, connection, status
ON CONFLICT (hub_id, direction, connection, status) DO UPDATE
SET steps = pruned_lineage.steps + excluded.steps,
    first_at = least(pruned_lineage.first_at, excluded.first_at),
    last_at = greatest(pruned_lineage.last_at, excluded.last_at)
