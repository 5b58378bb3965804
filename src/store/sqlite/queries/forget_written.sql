-- The hub took a change in from this record: what hookyard last wrote there no longer describes it.
-- Params: @connection, @type, @externalId
UPDATE external_ids SET written_hash = NULL, written_hub = NULL
WHERE connection = @connection AND type = @type AND external_id = @externalId AND (written_hash IS NOT NULL OR written_hub IS NOT NULL)
