-- One recorded replay or cancel.
-- Params: $1 id
SELECT * FROM replays WHERE id = $1::bigint
