-- A worker stopping closes the children it still runs, as claim_orphans does for a dead one:
-- skipped, nothing to act on. Handed back as queued they would run on their own, beside the fresh
-- child their parent starts when it is claimed again — two requests for one record at once.
-- Params: $1 ids (what running_of_worker found; their records are locked), $2 worker, $3 now (ms)
UPDATE transfers t
SET status = 'skipped', reason_code = 'orphaned',
    reason = 'its worker stopped while it ran; its parent runs a new child when it runs again',
    finished_at = $3::bigint, lease_owner = NULL, lease_until = NULL, updated_at = $3::bigint
FROM unnest($1::bigint[]) AS c (id)
WHERE t.id = c.id AND t.lease_owner = $2::text AND t.status = 'running' AND t.request_type = 'child'
