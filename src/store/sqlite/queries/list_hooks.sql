-- Newest first. A null filter matches everything (with an external id, list_hooks_by_external_id).
-- Params: @status, @connection, @since (received_at ≥, ms), @until (received_at <, ms), @before (id), @limit
SELECT id, connection, received_at, content_type, body_bytes, status, error_code,
       error_message, resolved_at
FROM hooks
WHERE (@status IS NULL OR status = @status)
  AND (@connection IS NULL OR connection = @connection)
  AND (@since IS NULL OR received_at >= @since)
  AND (@until IS NULL OR received_at < @until)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit
