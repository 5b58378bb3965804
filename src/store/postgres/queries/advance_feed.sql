-- One page committed: the cursor moves on with the requests it spawned (same transaction).
-- Params: $1 connection, $2 type, $3 kind, $4 token, $5 cursor (null keeps it), $6 records, $7 total,
--         $8 status, $9 next run at (ms), $10 release (give up the lease), $11 finished at (ms), $12 now (ms)
UPDATE feeds
SET cursor = coalesce($5::text, cursor), pages = pages + 1, records = records + $6::integer, total = coalesce($7::integer, total),
    status = $8::text, next_run_at = $9::bigint, last_error = NULL, updated_at = $12::bigint, finished_at = $11::bigint,
    lease_owner = CASE WHEN $10::boolean THEN NULL ELSE lease_owner END,
    lease_until = CASE WHEN $10::boolean THEN NULL ELSE lease_until END
WHERE connection = $1::text AND type = $2::text AND kind = $3::text AND claim = $4::bigint AND lease_owner IS NOT NULL
