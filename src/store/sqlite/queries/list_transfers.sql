-- Newest first. A null filter matches everything.
-- Params: @status, @scope, @connection, @before (id), @limit
SELECT * FROM transfers
WHERE (@status IS NULL OR status = @status)
  AND (@scope IS NULL OR scope = @scope)
  AND (@connection IS NULL OR connection = @connection)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit
