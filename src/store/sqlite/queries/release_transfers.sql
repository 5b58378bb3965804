-- A worker stopping hands back what it still runs: queued again at once, the attempt not counted,
-- so another worker takes it without waiting for the lease to expire. Children are not handed
-- back (release_children closes them): their parent runs a fresh child when it runs again.
-- Params: @worker, @now (ms)
UPDATE transfers
SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'queued' END,
    attempts = attempts - 1, run_at = @now, lease_owner = NULL, lease_until = NULL, updated_at = @now
WHERE lease_owner = @worker AND status = 'running' AND request_type <> 'child'
