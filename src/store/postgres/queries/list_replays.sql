-- Replays only: the table also records cancels (kinds cancel and cancels, see list_cancels).
-- Params: $1 limit
SELECT * FROM replays WHERE kind NOT IN ('cancel', 'cancels') ORDER BY id DESC LIMIT $1::integer
