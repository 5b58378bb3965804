-- Params: $1 connection, $2 type, $3 hub id, $4 written hash, $5 known hub values (JSON)
UPDATE external_ids SET written_hash = $4::text, known_hub = $5::text WHERE connection = $1::text AND type = $2::text AND hub_id = $3::bigint
