-- Params: $1 parent id
SELECT * FROM transfers WHERE parent_id = $1::bigint ORDER BY id
