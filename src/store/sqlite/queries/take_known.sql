-- The hub read this record and took it in: it holds these values (hub terms) now, of its own; the
-- hash of what hookyard last wrote there no longer describes it.
-- Params: @connection, @type, @externalId, @knownHub (JSON)
UPDATE external_ids SET written_hash = NULL, known_hub = @knownHub
WHERE connection = @connection AND type = @type AND external_id = @externalId
