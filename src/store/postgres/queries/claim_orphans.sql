-- The first step of a claim. It takes the shared lock on the records (without waiting: a bulk
-- enqueue holding it exclusively means no claim now, see hookyard_lock_records), and closes the
-- children whose worker died: a child runs inline under its parent, and the parent runs a fresh
-- child when it is claimed again, so the orphan ends skipped rather than run on its own (or left
-- blocking its record). Only those whose row and record it can lock at once; the rest next time.
-- Answers whether the claim may go on.
-- Params: $1 now (ms)
WITH go AS MATERIALIZED (
  SELECT pg_try_advisory_xact_lock_shared(7200, 0) AS ok
), orphans AS MATERIALIZED (
  SELECT id, record_key FROM transfers
  WHERE status = 'running' AND request_type = 'child' AND lease_until < $1::bigint AND (SELECT ok FROM go)
  FOR NO KEY UPDATE SKIP LOCKED
), closing AS MATERIALIZED (
  SELECT id FROM orphans WHERE pg_try_advisory_xact_lock(7201, hashtext(record_key))
), closed AS (
  UPDATE transfers t
  SET status = 'skipped', reason_code = 'orphaned',
      reason = 'its worker stopped while it ran; its parent runs a new child when it is retried',
      finished_at = $1::bigint, lease_owner = NULL, lease_until = NULL, updated_at = $1::bigint
  FROM closing c WHERE t.id = c.id
  RETURNING t.id
)
SELECT (SELECT ok FROM go) AS ok, (SELECT count(*) FROM closed) AS closed
