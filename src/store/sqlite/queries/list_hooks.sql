-- Newest first. A null filter matches everything.
-- Params: @status, @connection, @before (id), @limit
SELECT id, connection, received_at, content_type, body_bytes, status, error_code,
       error_message, resolved_at
FROM hooks
WHERE (@status IS NULL OR status = @status)
  AND (@connection IS NULL OR connection = @connection)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit
