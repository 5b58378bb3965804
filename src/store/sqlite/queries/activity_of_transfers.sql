-- The activity of several transfers (a JSON array of ids), per transfer in order.
-- Params: @ids
SELECT transfer_id, at, step, detail FROM transfer_activity
WHERE transfer_id IN (SELECT value FROM json_each(@ids))
ORDER BY transfer_id, id
