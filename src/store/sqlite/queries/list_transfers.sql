-- Newest first. A null filter matches everything (with an external id, list_transfers_by_external_id).
-- Params: @status, @scope, @connection, @since (created_at ≥, ms), @until (created_at <, ms), @before (id), @limit
SELECT * FROM transfers
WHERE (@status IS NULL OR status = @status)
  AND (@scope IS NULL OR scope = @scope)
  AND (@connection IS NULL OR connection = @connection)
  AND (@since IS NULL OR created_at >= @since)
  AND (@until IS NULL OR created_at < @until)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit
