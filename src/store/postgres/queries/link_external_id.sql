-- Records (or moves) the cross-reference connection + type + external id → hub record; a link
-- marked deleted and written again is live again.
-- Params: $1 connection, $2 type, $3 external id, $4 hub id, $5 written hash, $6 known hub values (JSON), $7 now (ms)
INSERT INTO external_ids (connection, type, external_id, hub_id, written_hash, known_hub, created_at)
VALUES ($1::text, $2::text, $3::text, $4::bigint, $5::text, $6::text, $7::bigint)
ON CONFLICT (connection, type, external_id) DO UPDATE SET hub_id = excluded.hub_id, written_hash = excluded.written_hash, known_hub = excluded.known_hub, deleted_at = NULL
