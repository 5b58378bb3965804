-- The hooks with a notification for one external id, newest first: read from the notifications'
-- external id index (migration 018), so that the hooks table is not scanned.
-- Params: @externalId, @status, @connection, @since (received_at ≥, ms), @until (received_at <, ms), @before (id), @limit
SELECT id, connection, received_at, content_type, body_bytes, status, error_code,
       error_message, resolved_at
FROM hooks
WHERE id IN (SELECT hook_id FROM notifications WHERE external_id = @externalId)
  AND (@status IS NULL OR status = @status)
  AND (@connection IS NULL OR connection = @connection)
  AND (@since IS NULL OR received_at >= @since)
  AND (@until IS NULL OR received_at < @until)
  AND (@before IS NULL OR id < @before)
ORDER BY id DESC
LIMIT @limit
