-- The next window of a prune's walk through one table, oldest first: up to @limit rows after @after,
-- the last id in it and the newest time among its rows (the walk ends once it reaches rows too
-- young for any cutoff). Transfers; prune_window_hooks.sql walks the hooks.
-- Params: @after (id), @limit
SELECT max(id) AS last, max(created_at) AS newest, count(*) AS n
FROM (SELECT id, created_at FROM transfers WHERE id > @after ORDER BY id LIMIT @limit)
