-- Params: $1 connection, $2 type, $3 hub id
SELECT external_id, written_hash, known_hub, deleted_at, source_version FROM external_ids
WHERE connection = $1::text AND type = $2::text AND hub_id = $3::bigint
