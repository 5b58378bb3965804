-- The transfer requests that touched one hub record, oldest first (index transfers_by_hub).
-- Params: $1 hub id, $2 after (id; null from the start), $3 limit
SELECT * FROM transfers
WHERE hub_id = $1::bigint
  AND ($2::bigint IS NULL OR id > $2::bigint)
ORDER BY id
LIMIT $3::integer
