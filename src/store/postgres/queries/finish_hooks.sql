-- Records hooks' resolutions, only those whose lease the worker still holds; answers with those.
-- Params: $1 ids, $2 statuses, $3 error codes, $4 error messages, $5 worker, $6 now (ms)
UPDATE hooks h
SET status = r.status, error_code = r.error_code, error_message = r.error_message,
    resolved_at = $6::bigint, lease_owner = NULL, lease_until = NULL
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS r (id, status, error_code, error_message)
WHERE h.id = r.id AND h.lease_owner = $5::text AND h.status = 'received'
RETURNING h.id
