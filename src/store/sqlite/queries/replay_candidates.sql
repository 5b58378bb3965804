-- The next page of requests a replay filter matches, oldest first. A null filter matches all.
-- Params: @status, @connection, @scope, @since (ms), @until (ms), @afterId, @limit
SELECT id FROM transfers
WHERE status NOT IN ('running', 'queued')
  AND (@status IS NULL OR status = @status)
  AND (@connection IS NULL OR connection = @connection)
  AND (@scope IS NULL OR scope = @scope)
  AND (@since IS NULL OR created_at >= @since)
  AND (@until IS NULL OR created_at < @until)
  AND id > @afterId
ORDER BY id
LIMIT @limit
