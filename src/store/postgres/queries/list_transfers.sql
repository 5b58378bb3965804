-- Newest first. A null filter matches everything (with an external id, list_transfers_by_external_id).
-- Params: $1 status, $2 scope, $3 connection, $4 since (created_at ≥, ms), $5 until (created_at <, ms), $6 before (id), $7 limit
SELECT * FROM transfers
WHERE ($1::text IS NULL OR status = $1::text)
  AND ($2::text IS NULL OR scope = $2::text)
  AND ($3::text IS NULL OR connection = $3::text)
  AND ($4::bigint IS NULL OR created_at >= $4::bigint)
  AND ($5::bigint IS NULL OR created_at < $5::bigint)
  AND ($6::bigint IS NULL OR id < $6::bigint)
ORDER BY id DESC
LIMIT $7::integer
