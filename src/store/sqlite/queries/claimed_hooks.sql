-- The hooks one claim took: a worker's lease with one expiry time is one claim.
-- Params: @worker, @leaseUntil (ms)
SELECT h.*, p.headers, p.segments, p.body
FROM hooks h JOIN hook_payloads p ON p.hook_id = h.id
WHERE h.status = 'received' AND h.lease_owner = @worker AND h.lease_until = @leaseUntil
ORDER BY h.id
