-- A child runs inline under its parent; if their worker died, the parent runs a fresh child when it
-- is claimed again, so the orphan is closed — skipped, nothing to act on — rather than run on its
-- own (or left blocking its record).
-- Params: @now (ms)
UPDATE transfers
SET status = 'skipped', reason_code = 'orphaned',
    reason = 'its worker stopped while it ran; its parent runs a new child when it is retried',
    finished_at = @now, lease_owner = NULL, lease_until = NULL, updated_at = @now
WHERE request_type = 'child' AND status = 'running' AND lease_until < @now
