-- Forgets up to 16 of a connection's body hashes older than its window, for each guarded hook an
-- append stored: expired rows leave at least as fast as new ones come, without a sweeper.
-- Params: $1 connections (one element per guarded hook stored), $2 since (ms: now minus each one's window)
DELETE FROM hook_body_hashes x
USING (
  SELECT o.connection, o.hash FROM unnest($1::text[], $2::bigint[]) AS g (connection, since)
  CROSS JOIN LATERAL (
    SELECT connection, hash FROM hook_body_hashes
    WHERE connection = g.connection AND received_at < g.since
    LIMIT 16
  ) AS o
) AS old
WHERE x.connection = old.connection AND x.hash = old.hash
