-- Ends one attempt, only while the run's claim holds (same token, still running).
-- Params: @id, @token, @status, @reason, @reasonCode, @errorCode, @error, @runAt (ms, retrying only; else null), @hubId,
--         @resolvedBy, @finishedAt (ms or null while retrying), @refund (1: the attempt does not count), @now (ms)
UPDATE transfers
SET status = @status, reason = @reason, reason_code = @reasonCode,
    last_error_code = coalesce(@errorCode, last_error_code), last_error = coalesce(@error, last_error),
    run_at = coalesce(@runAt, run_at), hub_id = coalesce(@hubId, hub_id), resolved_by = @resolvedBy, finished_at = @finishedAt, attempts = attempts - @refund,
    lease_owner = NULL, lease_until = NULL, updated_at = @now
WHERE id = @id AND claim = @token AND status = 'running'
