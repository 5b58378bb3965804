-- Params: $1 transfer id
SELECT at, step, detail FROM transfer_activity WHERE transfer_id = $1::bigint ORDER BY id
