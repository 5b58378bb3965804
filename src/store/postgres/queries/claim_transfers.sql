-- The last step of a claim: the candidates whose rows and records it holds, checked again in a new
-- snapshot (a request that started for the record since the walk's snapshot holds a head back),
-- taken for the worker. Each claim gets a new token (claim + 1): the run presents it on every
-- write, and a run whose lease expired and was claimed again can write nothing more.
-- Params: $1 ids, $2 worker, $3 now (ms), $4 due by (ms), $5 lease until (ms)
UPDATE transfers t
SET status = 'running', claim = t.claim + 1, lease_owner = $2::text, lease_until = $5::bigint, attempts = t.attempts + 1, updated_at = $3::bigint
WHERE t.id = ANY ($1::bigint[])
  AND t.head AND t.status IN ('queued', 'retrying', 'running') AND t.run_at <= $4::bigint
  AND (t.status <> 'running' OR t.lease_until < $3::bigint)
  AND NOT EXISTS (
    SELECT 1 FROM transfers e
    WHERE e.record_key = t.record_key AND e.status = 'running' AND e.lease_until >= $3::bigint AND e.id <> t.id
  )
RETURNING t.*
