-- Cancels are kept in the replays table beside replays (an operator's action on the queue, with
-- the same columns), under the kinds cancel (one request) and cancels (by filter). Newest first.
-- Params: $1 before (id; null: from the newest), $2 limit
SELECT * FROM replays
WHERE kind IN ('cancel', 'cancels')
  AND ($1::bigint IS NULL OR id < $1::bigint)
ORDER BY id DESC
LIMIT $2::integer
