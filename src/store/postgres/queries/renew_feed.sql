-- A feed's lease extended while the reader's claim holds; 0 rows: another reader took it over.
-- Params: $1 connection, $2 type, $3 kind, $4 token, $5 lease until (ms)
UPDATE feeds SET lease_until = $5::bigint
WHERE connection = $1::text AND type = $2::text AND kind = $3::text AND claim = $4::bigint AND lease_owner IS NOT NULL
