-- A hook about a record hookyard wrote within the window is the echo of one of its writes. Two
-- consumers of the last one: the second re-reads the row after the first commits and finds none left.
-- Params: $1 connection, $2 type, $3 external id, $4 now (ms)
UPDATE echoes SET pending = pending - 1
WHERE connection = $1::text AND type = $2::text AND external_id = $3::text AND expires_at >= $4::bigint AND pending > 0
RETURNING pending
