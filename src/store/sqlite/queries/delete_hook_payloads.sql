-- What pruned hooks carried goes with them (before them: it references the hook).
-- Params: @ids (JSON array of hook ids)
DELETE FROM hook_payloads WHERE hook_id IN (SELECT value FROM json_each(@ids))
