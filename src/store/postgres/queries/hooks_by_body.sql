-- The hooks that carried these bodies on these connections, with when (the caller compares with
-- each connection's window).
-- Params: $1 connections, $2 hashes (SHA-256 bytes)
SELECT x.connection, x.hash, x.hook_id, x.received_at FROM hook_body_hashes x
JOIN unnest($1::text[], $2::bytea[]) AS b (connection, hash) ON x.connection = b.connection AND x.hash = b.hash
