-- Params: @limit
SELECT * FROM replays ORDER BY id DESC LIMIT @limit
