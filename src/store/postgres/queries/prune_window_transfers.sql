-- The next window of a prune's walk through the transfer requests, oldest first: up to $2 rows
-- after $1, the last id in it and the newest creation among its rows (the walk ends once it
-- reaches rows too young for any cutoff).
-- Params: $1 after (id), $2 limit
SELECT max(id) AS last, max(created_at) AS newest, count(*) AS n
FROM (SELECT id, created_at FROM transfers WHERE id > $1::bigint ORDER BY id LIMIT $2::integer) AS w
