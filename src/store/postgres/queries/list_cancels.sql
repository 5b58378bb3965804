-- Cancels are kept in the replays table beside replays (an operator's action on the queue, with
-- the same columns), under the kinds cancel (one request) and cancels (by filter).
-- Params: $1 limit
SELECT * FROM replays WHERE kind IN ('cancel', 'cancels') ORDER BY id DESC LIMIT $1::integer
