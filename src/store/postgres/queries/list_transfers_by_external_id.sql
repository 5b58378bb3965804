-- The transfer requests for one external id, newest first, from the external id index (migration 005).
-- Params: $1 external id, $2 status, $3 scope, $4 connection, $5 since (created_at ≥, ms), $6 until (created_at <, ms), $7 before (id), $8 limit
SELECT * FROM transfers
WHERE external_id = $1::text
  AND ($2::text IS NULL OR status = $2::text)
  AND ($3::text IS NULL OR scope = $3::text)
  AND ($4::text IS NULL OR connection = $4::text)
  AND ($5::bigint IS NULL OR created_at >= $5::bigint)
  AND ($6::bigint IS NULL OR created_at < $6::bigint)
  AND ($7::bigint IS NULL OR id < $7::bigint)
ORDER BY id DESC
LIMIT $8::integer
