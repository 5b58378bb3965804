-- The transfer requests for one external id, newest first, from the external id index (migration 018).
-- Params: @externalId, @status, @scope, @connection, @since (created_at ≥, ms), @until (created_at <, ms), @before (id), @limit
SELECT * FROM transfers
WHERE external_id = @externalId
  AND (@status IS NULL OR status = @status)
  AND (@scope IS NULL OR scope = @scope)
  AND (@connection IS NULL OR connection = @connection)
  AND (@since IS NULL OR created_at >= @since)
  AND (@until IS NULL OR created_at < @until)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit
