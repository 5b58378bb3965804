-- Params: @transferId, @at (ms), @step, @detail
INSERT INTO transfer_activity (transfer_id, at, step, detail) VALUES (@transferId, @at, @step, @detail)
