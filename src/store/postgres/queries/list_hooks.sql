-- Newest first. A null filter matches everything (with an external id, list_hooks_by_external_id).
-- Params: $1 status, $2 connection, $3 since (received_at ≥, ms), $4 until (received_at <, ms), $5 before (id), $6 limit
SELECT id, connection, received_at, content_type, body_bytes, status, error_code, error_message, resolved_at
FROM hooks
WHERE ($1::text IS NULL OR status = $1::text)
  AND ($2::text IS NULL OR connection = $2::text)
  AND ($3::bigint IS NULL OR received_at >= $3::bigint)
  AND ($4::bigint IS NULL OR received_at < $4::bigint)
  AND ($5::bigint IS NULL OR id < $5::bigint)
ORDER BY id DESC
LIMIT $6::integer
