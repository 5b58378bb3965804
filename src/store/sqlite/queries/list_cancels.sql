-- Cancels are kept in the replays table beside replays (an operator's action on the queue, with
-- the same columns), under the kinds cancel (one request) and cancels (by filter). Newest first.
-- Params: @before (id; null: from the newest), @limit
SELECT * FROM replays
WHERE kind IN ('cancel', 'cancels')
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit
