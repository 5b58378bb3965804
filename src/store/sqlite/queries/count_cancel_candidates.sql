-- Params: @status (queued | retrying | null), @connection, @scope, @since (ms), @until (ms)
SELECT count(*) AS n FROM transfers
WHERE status IN ('queued', 'retrying')
  AND (@status IS NULL OR status = @status)
  AND (@connection IS NULL OR connection = @connection)
  AND (@scope IS NULL OR scope = @scope)
  AND (@since IS NULL OR created_at >= @since)
  AND (@until IS NULL OR created_at < @until)
