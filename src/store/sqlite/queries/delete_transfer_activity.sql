-- The activity log of pruned requests goes with them (before them: it references them).
-- Params: @ids (JSON array of transfer ids)
DELETE FROM transfer_activity WHERE transfer_id IN (SELECT value FROM json_each(@ids))
