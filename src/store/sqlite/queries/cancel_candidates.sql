-- The next page of waiting requests a cancel filter matches, oldest first. A null filter term
-- matches all; only queued and retrying requests are ever candidates.
-- Params: @status (queued | retrying | null), @connection, @scope, @since (ms), @until (ms), @afterId, @limit
SELECT id FROM transfers
WHERE status IN ('queued', 'retrying')
  AND (@status IS NULL OR status = @status)
  AND (@connection IS NULL OR connection = @connection)
  AND (@scope IS NULL OR scope = @scope)
  AND (@since IS NULL OR created_at >= @since)
  AND (@until IS NULL OR created_at < @until)
  AND id > @afterId
ORDER BY id
LIMIT @limit
