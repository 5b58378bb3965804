-- Ends one attempt, only while the run's claim holds (same token, still running). Answers with the
-- request's mark, which the caller then turns into its follow-up (enqueue.ts).
-- Params: $1 id, $2 token, $3 status, $4 reason, $5 reason code, $6 error code, $7 error,
--         $8 run at (ms, retrying only; else null), $9 hub id, $10 resolved by,
--         $11 finished at (ms, or null while retrying), $12 refund (1: the attempt does not count), $13 now (ms)
UPDATE transfers
SET status = $3::text, reason = $4::text, reason_code = $5::text,
    last_error_code = coalesce($6::text, last_error_code), last_error = coalesce($7::text, last_error),
    run_at = coalesce($8::bigint, run_at), hub_id = coalesce($9::bigint, hub_id), resolved_by = $10::bigint,
    finished_at = $11::bigint, attempts = attempts - $12::integer,
    lease_owner = NULL, lease_until = NULL, updated_at = $13::bigint
WHERE id = $1::bigint AND claim = $2::bigint AND status = 'running'
RETURNING follow_up
