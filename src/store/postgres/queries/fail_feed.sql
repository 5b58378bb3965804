-- A run that failed: the lease is given up, the cursor stays, the next run is scheduled.
-- Params: $1 connection, $2 type, $3 kind, $4 token, $5 error, $6 next run at (ms), $7 now (ms)
UPDATE feeds SET lease_owner = NULL, lease_until = NULL, last_error = $5::text, next_run_at = $6::bigint, updated_at = $7::bigint
WHERE connection = $1::text AND type = $2::text AND kind = $3::text AND claim = $4::bigint AND lease_owner IS NOT NULL
