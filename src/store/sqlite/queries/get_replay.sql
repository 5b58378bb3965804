-- One recorded replay or cancel.
-- Params: @id
SELECT * FROM replays WHERE id = @id
