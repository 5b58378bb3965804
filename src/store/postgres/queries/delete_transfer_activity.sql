-- The activity log of pruned requests goes with them (before them: it references them).
-- Params: $1 transfer ids
DELETE FROM transfer_activity WHERE transfer_id = ANY($1::bigint[])
