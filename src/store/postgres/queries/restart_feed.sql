-- An initialization asked for again after it finished starts from the first page.
-- Params: $1 connection, $2 type, $3 kind, $4 now (ms)
UPDATE feeds SET cursor = NULL, status = 'running', pages = 0, records = 0, total = NULL, last_error = NULL,
                 started_at = $4::bigint, finished_at = NULL, updated_at = $4::bigint
WHERE connection = $1::text AND type = $2::text AND kind = $3::text AND (status <> 'running' OR started_at IS NULL)
