-- Params: @connection, @type, @hubId, @writtenHash, @knownHub (JSON)
UPDATE external_ids SET written_hash = @writtenHash, known_hub = @knownHub WHERE connection = @connection AND type = @type AND hub_id = @hubId
