-- One more echo expected for this record (each write causes one hook); an expired count restarts.
-- Params: @connection, @type, @externalId, @expiresAt (ms), @now (ms)
INSERT INTO echoes (connection, type, external_id, expires_at, pending) VALUES (@connection, @type, @externalId, @expiresAt, 1)
ON CONFLICT (connection, type, external_id) DO UPDATE
SET pending = CASE WHEN echoes.expires_at >= @now THEN echoes.pending + 1 ELSE 1 END,
    expires_at = excluded.expires_at
