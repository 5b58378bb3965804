-- Newest first. A null filter matches everything.
-- Params: $1 status, $2 connection, $3 before (id), $4 limit
SELECT id, connection, received_at, content_type, body_bytes, status, error_code, error_message, resolved_at
FROM hooks
WHERE ($1::text IS NULL OR status = $1::text)
  AND ($2::text IS NULL OR connection = $2::text)
  AND ($3::bigint IS NULL OR id < $3::bigint)
ORDER BY id DESC
LIMIT $4::integer
