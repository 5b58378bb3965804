-- A run that stops early (Ctrl-C, a failed page) gives its lease up, so that the next run resumes
-- at once instead of waiting out the lease. The cursor, status and next run stay as the last
-- committed page left them. Only while the claim holds: a run that lost the feed leaves it alone.
-- Params: $1 connection, $2 type, $3 kind, $4 token, $5 now (ms)
UPDATE feeds SET lease_owner = NULL, lease_until = NULL, updated_at = $5::bigint
WHERE connection = $1::text AND type = $2::text AND kind = $3::text AND claim = $4::bigint AND lease_owner IS NOT NULL
