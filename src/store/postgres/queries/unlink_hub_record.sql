-- Removes a connection's cross-reference to a hub record (remap: it is about to point elsewhere).
-- Params: $1 connection, $2 type, $3 hub id
DELETE FROM external_ids WHERE connection = $1::text AND type = $2::text AND hub_id = $3::bigint
