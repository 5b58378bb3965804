-- Ends waiting requests without running them: skipped, reason code `cancelled`. Only queued or
-- retrying ones: a running one is never touched (its attempt finishes and is recorded). Their
-- records are locked by the caller. Answers with the ones it ended.
-- Params: $1 ids, $2 reason, $3 now (ms)
UPDATE transfers t
SET status = 'skipped', reason = $2::text, reason_code = 'cancelled', finished_at = $3::bigint,
    lease_owner = NULL, lease_until = NULL, updated_at = $3::bigint
FROM unnest($1::bigint[]) AS c (id)
WHERE t.id = c.id AND t.status IN ('queued', 'retrying')
RETURNING t.id
