-- Records a hook's resolution, only while the worker still holds its lease.
-- Params: @id, @worker, @status, @errorCode, @errorMessage, @now (ms)
UPDATE hooks
SET status = @status, error_code = @errorCode, error_message = @errorMessage,
    resolved_at = @now, lease_owner = NULL, lease_until = NULL
WHERE id = @id AND lease_owner = @worker AND status = 'received'
