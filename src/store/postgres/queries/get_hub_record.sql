-- Params: $1 id
SELECT * FROM hub_records WHERE id = $1::bigint
