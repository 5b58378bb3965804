-- The activity of several transfers, per transfer in order.
-- Params: $1 transfer ids
SELECT transfer_id, at, step, detail FROM transfer_activity
WHERE transfer_id = ANY($1::bigint[])
ORDER BY transfer_id, id
