-- Removes a connection's cross-reference to a hub record when it is marked deleted, so that a new
-- link (the record created anew, or another record linked) can take its place.
-- Params: $1 connection, $2 type, $3 hub id
DELETE FROM external_ids WHERE connection = $1::text AND type = $2::text AND hub_id = $3::bigint AND deleted_at IS NOT NULL
