-- Match-and-link: while one transaction looks for a live record with this value and creates one
-- when there is none, another with the same value waits, and then finds the record created.
-- Params: $1 type, $2 field, $3 value (JSON text)
SELECT pg_advisory_xact_lock(7202, hashtext($1::text || ' ' || $2::text || ' ' || ($3::jsonb)::text))
