-- The next page of requests a replay filter matches, oldest first, with what the enqueue rule
-- needs of each. A null filter term matches all.
-- Params: $1 status, $2 connection, $3 scope, $4 since (ms), $5 until (ms), $6 after id, $7 limit
SELECT id, record_key, scope, request_type AS "requestType", direction, payload_hook, payload_version FROM transfers
WHERE status NOT IN ('running', 'queued')
  AND ($1::text IS NULL OR status = $1::text)
  AND ($2::text IS NULL OR connection = $2::text)
  AND ($3::text IS NULL OR scope = $3::text)
  AND ($4::bigint IS NULL OR created_at >= $4::bigint)
  AND ($5::bigint IS NULL OR created_at < $5::bigint)
  AND id > $6::bigint
ORDER BY id
LIMIT $7::integer
