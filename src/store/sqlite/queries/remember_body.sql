-- Records the hook just stored as the one that carries this body on its connection, replacing an
-- expired entry for the same body. Run in the append transaction, right after append_hook.
-- Params: @connection, @hash (SHA-256 bytes), @hookId, @receivedAt (ms)
INSERT INTO hook_body_hashes (connection, hash, hook_id, received_at)
VALUES (@connection, @hash, @hookId, @receivedAt)
ON CONFLICT (connection, hash) DO UPDATE SET hook_id = excluded.hook_id, received_at = excluded.received_at
