-- Params: $1 connection, $2 type, $3 external id
SELECT r.* FROM external_ids x JOIN hub_records r ON r.id = x.hub_id
WHERE x.connection = $1::text AND x.type = $2::text AND x.external_id = $3::text
