-- Replays only, newest first: the table also records cancels (kinds cancel and cancels, see list_cancels).
-- Params: $1 before (id; null: from the newest), $2 limit
SELECT * FROM replays
WHERE kind NOT IN ('cancel', 'cancels')
  AND ($1::bigint IS NULL OR id < $1::bigint)
ORDER BY id DESC
LIMIT $2::integer
