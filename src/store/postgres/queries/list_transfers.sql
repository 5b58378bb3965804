-- Newest first. A null filter matches everything.
-- Params: $1 status, $2 scope, $3 connection, $4 before (id), $5 limit
SELECT * FROM transfers
WHERE ($1::text IS NULL OR status = $1::text)
  AND ($2::text IS NULL OR scope = $2::text)
  AND ($3::text IS NULL OR connection = $3::text)
  AND ($4::bigint IS NULL OR id < $4::bigint)
ORDER BY id DESC
LIMIT $5::integer
