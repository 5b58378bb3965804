-- Claims runnable transfer requests: due (or whose worker's lease expired), and first in line for
-- their record, so that one record's requests never run at once and run in arrival order.
-- The inner status term is transfers_active_by_record's own, so the look-up uses that index.
-- Each claim gets a new token (claim + 1): the run presents it on every write, and a run whose
-- lease expired and was claimed again can write nothing more.
-- Params: @worker, @now (ms), @leaseUntil (ms), @limit
UPDATE transfers
SET status = 'running', claim = claim + 1, lease_owner = @worker, lease_until = @leaseUntil, attempts = attempts + 1, updated_at = @now
WHERE id IN (
  SELECT t.id FROM transfers t
  WHERE ((t.status IN ('queued', 'retrying') AND t.run_at <= @now) OR (t.status = 'running' AND t.lease_until < @now))
    AND NOT EXISTS (
      SELECT 1 FROM transfers e
      WHERE e.record_key = t.record_key AND e.status IN ('queued', 'retrying', 'running') AND e.id <> t.id
        AND (e.id < t.id OR (e.status = 'running' AND e.lease_until >= @now))
    )
  ORDER BY t.run_at, t.id
  LIMIT @limit
)
RETURNING *
