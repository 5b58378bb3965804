-- Running requests' leases extended while their claims hold; the claims missing from the answer
-- (id and token) were taken over or ended, and their runs must stop.
-- Params: $1 ids, $2 tokens, $3 lease until (ms)
UPDATE transfers t SET lease_until = $3::bigint
FROM unnest($1::bigint[], $2::bigint[]) AS c (id, token)
WHERE t.id = c.id AND t.claim = c.token AND t.status = 'running'
RETURNING t.id, t.claim
