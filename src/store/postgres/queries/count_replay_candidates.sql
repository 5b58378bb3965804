-- Params: $1 status, $2 connection, $3 scope, $4 since (ms), $5 until (ms)
SELECT count(*) AS n FROM transfers
WHERE status NOT IN ('running', 'queued')
  AND ($1::text IS NULL OR status = $1::text)
  AND ($2::text IS NULL OR connection = $2::text)
  AND ($3::text IS NULL OR scope = $3::text)
  AND ($4::bigint IS NULL OR created_at >= $4::bigint)
  AND ($5::bigint IS NULL OR created_at < $5::bigint)
