-- Params: $1 hook id
SELECT * FROM notifications WHERE hook_id = $1::bigint ORDER BY seq, id
