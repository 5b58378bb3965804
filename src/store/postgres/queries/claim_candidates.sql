-- The second step of a claim: runnable requests, first in line for their record (head, see
-- migration 001), due by $2, or running under a lease that expired — so that one record's requests
-- never run at once and run in arrival order. $2 is $1 unless the engine holds back requests that
-- became due only lately (resolution first, engine/claim-horizon.ts): the walk then stops earlier.
-- The walk goes along transfers_claimable in (run_at, id) order and stops after $3: it reads the
-- heads it takes plus the live running ones it passes (a few dozen), however many requests wait.
-- FOR NO KEY UPDATE SKIP LOCKED (the lock the UPDATE takes anyway, which a child's foreign key to
-- its running parent does not block) passes the rows other claims are taking right now, so that
-- claimers side by side fill their batches with different requests, and the rows whose claim a run
-- is presenting (holds_claim share-locks them). A head is still held back by a later request
-- of its record that runs (a replay queued an older one again behind it, or a child runs under its
-- parent): NOT EXISTS asks transfers_running_by_record. Children are never claimed on their own.
-- Of the rows it locked, it keeps those whose record it can lock at once (others are enqueueing or
-- finishing for that record); claim_transfers then checks them again under those locks.
-- Params: $1 now (ms), $2 due by (ms, ≤ now), $3 limit
WITH candidates AS MATERIALIZED (
  SELECT t.id, t.record_key FROM transfers t
  WHERE t.head AND t.status IN ('queued', 'retrying', 'running') AND t.run_at <= $2::bigint
    AND (t.status <> 'running' OR t.lease_until < $1::bigint)
    AND t.request_type <> 'child'
    AND NOT EXISTS (
      SELECT 1 FROM transfers e
      WHERE e.record_key = t.record_key AND e.status = 'running' AND e.lease_until >= $1::bigint AND e.id <> t.id
    )
  ORDER BY t.run_at, t.id
  LIMIT $3::integer
  FOR NO KEY UPDATE OF t SKIP LOCKED
)
SELECT id FROM candidates WHERE pg_try_advisory_xact_lock(7201, hashtext(record_key))
