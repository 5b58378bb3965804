-- The transfer requests that touched one hub record, oldest first (index transfers_by_hub).
-- Params: @hubId, @after (id; null from the start), @limit
SELECT * FROM transfers
WHERE hub_id = @hubId
  AND (@after IS NULL OR id > @after)
ORDER BY id
LIMIT @limit
