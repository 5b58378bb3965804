-- The hub read this record and took it in: it holds these values (hub terms) now, of its own; the
-- hash of what hookyard last wrote there no longer describes it.
-- Params: $1 connection, $2 type, $3 external id, $4 known hub (JSON)
UPDATE external_ids SET written_hash = NULL, known_hub = $4::text
WHERE connection = $1::text AND type = $2::text AND external_id = $3::text
