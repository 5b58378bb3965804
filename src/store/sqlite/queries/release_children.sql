-- A worker stopping closes the children it still runs, as abandon_orphans does for a dead one:
-- skipped, nothing to act on. Handed back as queued they would run on their own, beside the fresh
-- child their parent starts when it is claimed again — two requests for one record at once.
-- Params: @worker, @now (ms)
UPDATE transfers
SET status = 'skipped', reason_code = 'orphaned',
    reason = 'its worker stopped while it ran; its parent runs a new child when it runs again',
    finished_at = @now, lease_owner = NULL, lease_until = NULL, updated_at = @now
WHERE lease_owner = @worker AND status = 'running' AND request_type = 'child'
