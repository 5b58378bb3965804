-- Params: @connection, @type, @externalId, @expiresAt (ms)
INSERT INTO echoes (connection, type, external_id, expires_at) VALUES (@connection, @type, @externalId, @expiresAt)
ON CONFLICT (connection, type, external_id) DO UPDATE SET expires_at = excluded.expires_at
