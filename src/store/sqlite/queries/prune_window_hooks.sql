-- The next window of a prune's walk through the hooks, oldest first: up to @limit hooks after
-- @after, the last id in it and the newest receipt among them (the walk ends once it reaches hooks
-- too young for any cutoff).
-- Params: @after (id), @limit
SELECT max(id) AS last, max(received_at) AS newest, count(*) AS n
FROM (SELECT id, received_at FROM hooks WHERE id > @after ORDER BY id LIMIT @limit)
