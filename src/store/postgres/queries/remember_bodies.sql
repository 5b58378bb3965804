-- Records the hooks just stored as the ones that carry these bodies on their connections,
-- replacing expired entries for the same bodies. Run in the append transaction.
-- Params: $1 connections, $2 hashes (SHA-256 bytes), $3 hook ids, $4 received at (ms)
INSERT INTO hook_body_hashes (connection, hash, hook_id, received_at)
SELECT b.connection, b.hash, b.hook_id, $4::bigint FROM unnest($1::text[], $2::bytea[], $3::bigint[]) AS b (connection, hash, hook_id)
ON CONFLICT (connection, hash) DO UPDATE SET hook_id = excluded.hook_id, received_at = excluded.received_at
