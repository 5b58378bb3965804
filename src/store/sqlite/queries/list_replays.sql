-- Replays only, newest first: the table also records cancels (kinds cancel and cancels, see list_cancels).
-- Params: @before (id; null: from the newest), @limit
SELECT * FROM replays
WHERE kind NOT IN ('cancel', 'cancels')
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit
