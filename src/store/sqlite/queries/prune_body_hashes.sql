-- Forgets up to 16 of a connection's body hashes older than its window. Each guarded append runs
-- it once, so expired rows leave at least as fast as new ones come, without a sweeper.
-- Params: @connection, @since (ms: now minus the window)
DELETE FROM hook_body_hashes
WHERE rowid IN (
  SELECT rowid FROM hook_body_hashes WHERE connection = @connection AND received_at < @since LIMIT 16
)
