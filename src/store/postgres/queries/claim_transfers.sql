-- The last step of a claim: the candidates whose rows and records it holds, checked again in a new
-- snapshot — a request that started running for the record since the walk's snapshot holds its head
-- back — and taken for the worker. Their own columns need no second look: their rows are locked
-- since the walk checked them (the lock re-reads a row that changed before it was locked). The
-- ids are joined in by primary key, with no term of transfers_claimable's, so that a planner
-- without statistics yet on a new table does not walk that index instead.
-- Each claim gets a new token (claim + 1): the run presents it on every write, and a run whose
-- lease expired and was claimed again can write nothing more.
-- Params: $1 ids, $2 worker, $3 now (ms), $4 lease until (ms)
UPDATE transfers t
SET status = 'running', claim = t.claim + 1, lease_owner = $2::text, lease_until = $4::bigint, attempts = t.attempts + 1, updated_at = $3::bigint
FROM unnest($1::bigint[]) AS c (id)
WHERE t.id = c.id
  AND NOT EXISTS (
    SELECT 1 FROM transfers e
    WHERE e.record_key = t.record_key AND e.status = 'running' AND e.lease_until >= $3::bigint AND e.id <> t.id
  )
RETURNING t.*
