-- The hub took a change in from this record: what hookyard last wrote there no longer describes it.
-- Params: $1 connection, $2 type, $3 external id
UPDATE external_ids SET written_hash = NULL, written_hub = NULL
WHERE connection = $1::text AND type = $2::text AND external_id = $3::text AND (written_hash IS NOT NULL OR written_hub IS NOT NULL)
