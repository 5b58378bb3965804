-- The version of the source record the hub just took in through this link.
-- Params: $1 connection, $2 type, $3 external id, $4 version
UPDATE external_ids SET source_version = $4::text WHERE connection = $1::text AND type = $2::text AND external_id = $3::text
