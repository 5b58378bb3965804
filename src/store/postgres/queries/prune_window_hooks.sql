-- The next window of a prune's walk through the hooks, oldest first: up to $2 hooks after $1, the
-- last id in it and the newest receipt among them (the walk ends once it reaches hooks too young
-- for any cutoff).
-- Params: $1 after (id), $2 limit
SELECT max(id) AS last, max(received_at) AS newest, count(*) AS n
FROM (SELECT id, received_at FROM hooks WHERE id > $1::bigint ORDER BY id LIMIT $2::integer) AS w
