-- One more echo expected for this record (each write causes one hook); an expired count restarts.
-- Params: $1 connection, $2 type, $3 external id, $4 expires at (ms), $5 now (ms)
INSERT INTO echoes (connection, type, external_id, expires_at, pending) VALUES ($1::text, $2::text, $3::text, $4::bigint, 1)
ON CONFLICT (connection, type, external_id) DO UPDATE
SET pending = CASE WHEN echoes.expires_at >= $5::bigint THEN echoes.pending + 1 ELSE 1 END,
    expires_at = excluded.expires_at
