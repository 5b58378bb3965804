-- The body replay guard: one append at a time looks a connection's body up and stores it, so that
-- two processes given the same body at once store it once. Sorted, as every set of locks is taken.
-- Params: $1 connections, $2 hashes (SHA-256 bytes)
SELECT count(pg_advisory_xact_lock(7204, k.h)) FROM (
  SELECT DISTINCT hashtext(b.connection || ' ' || encode(b.hash, 'hex')) AS h
  FROM unnest($1::text[], $2::bytea[]) AS b (connection, hash)
  ORDER BY 1
) AS k
