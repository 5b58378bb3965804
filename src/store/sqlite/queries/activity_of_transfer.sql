-- Params: @transferId
SELECT at, step, detail FROM transfer_activity WHERE transfer_id = @transferId ORDER BY id
