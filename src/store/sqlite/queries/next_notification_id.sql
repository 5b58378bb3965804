-- The id the next notification gets: resolution numbers a batch's notifications itself, inside
-- the write transaction that inserts them, instead of asking for each id back.
-- Params: none
SELECT coalesce(max(id), 0) + 1 AS id FROM notifications
