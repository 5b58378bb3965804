-- A "poll now" hook: the next poll is due at once.
-- Params: $1 connection, $2 type, $3 now (ms)
UPDATE feeds SET next_run_at = $3::bigint WHERE connection = $1::text AND type = $2::text AND kind = 'poll'
