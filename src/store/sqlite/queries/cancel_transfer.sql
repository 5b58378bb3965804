-- Ends a waiting request without running it: skipped, reason code `cancelled`. Only a queued or
-- retrying request: a running one is never touched (its attempt finishes and is recorded).
-- Params: @id, @reason, @now (ms)
UPDATE transfers
SET status = 'skipped', reason = @reason, reason_code = 'cancelled', finished_at = @now,
    lease_owner = NULL, lease_until = NULL, updated_at = @now
WHERE id = @id AND status IN ('queued', 'retrying')
