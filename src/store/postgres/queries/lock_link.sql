-- A connection's link to one hub record is checked and written by one transaction at a time, so
-- that two runs linking it to different records of that connection cannot both find it free.
-- Params: $1 connection, $2 type, $3 hub id
SELECT pg_advisory_xact_lock(7203, hashtext($1::text || ' ' || $2::text || ' ' || $3::bigint))
