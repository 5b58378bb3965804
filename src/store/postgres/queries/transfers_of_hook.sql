-- Params: $1 hook id
SELECT * FROM transfers WHERE hook_id = $1::bigint ORDER BY id
