-- The notifications read out of pruned hooks go with them (before them: they reference the hook).
-- Params: $1 hook ids
DELETE FROM notifications WHERE hook_id = ANY($1::bigint[])
