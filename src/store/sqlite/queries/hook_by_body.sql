-- The hook a connection stored with this body within the guard window, if any.
-- Params: @connection, @hash (SHA-256 bytes), @since (ms: now minus the window)
SELECT hook_id AS id FROM hook_body_hashes
WHERE connection = @connection AND hash = @hash AND received_at >= @since
