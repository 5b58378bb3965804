-- Params: $1 id
SELECT * FROM transfers WHERE id = $1::bigint
