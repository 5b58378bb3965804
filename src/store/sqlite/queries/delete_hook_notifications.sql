-- The notifications read out of pruned hooks go with them (before them: they reference the hook).
-- Params: @ids (JSON array of hook ids)
DELETE FROM notifications WHERE hook_id IN (SELECT value FROM json_each(@ids))
