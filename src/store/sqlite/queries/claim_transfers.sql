-- Claims runnable transfer requests: first in line for their record (head, see migration 013), and
-- due by @dueBy, or running under a lease that expired — so that one record's requests never run at
-- once and run in arrival order. @dueBy is @now unless the engine holds back requests that became
-- due only lately (resolution first, engine/claim-horizon.ts): then it is earlier, and the walk
-- stops there, at the same cost. The walk goes along transfers_claimable in (run_at, id) order and stops
-- after @limit: it reads the heads claimed plus the live running ones it passes (a few dozen),
-- however many requests wait. Its WHERE repeats the index's own terms so that SQLite can use it.
-- A head can still be held back by a later request of its record that runs (a replay queued an
-- older one again behind it, or a child runs under its parent): the NOT EXISTS asks the small index
-- of running requests, transfers_running_by_record, repeating its WHERE term.
-- A running request's run_at is before its lease's end, so an expired one is within run_at ≤ @now
-- (and within @dueBy once it has been running longer than the engine holds requests back).
-- Each claim gets a new token (claim + 1): the run presents it on every write, and a run whose
-- lease expired and was claimed again can write nothing more.
-- Params: @worker, @now (ms), @dueBy (ms, ≤ @now), @leaseUntil (ms), @limit
UPDATE transfers
SET status = 'running', claim = claim + 1, lease_owner = @worker, lease_until = @leaseUntil, attempts = attempts + 1, updated_at = @now
WHERE id IN (
  SELECT t.id FROM transfers t INDEXED BY transfers_claimable
  WHERE t.head = 1 AND t.status IN ('queued', 'retrying', 'running') AND t.run_at <= @dueBy
    AND (t.status <> 'running' OR t.lease_until < @now)
    AND NOT EXISTS (
      SELECT 1 FROM transfers e
      WHERE e.record_key = t.record_key AND e.status = 'running' AND e.lease_until >= @now AND e.id <> t.id
    )
  ORDER BY t.run_at, t.id
  LIMIT @limit
)
RETURNING *
