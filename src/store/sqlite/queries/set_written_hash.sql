-- Params: @connection, @type, @hubId, @writtenHash, @writtenHub (JSON)
UPDATE external_ids SET written_hash = @writtenHash, written_hub = @writtenHub WHERE connection = @connection AND type = @type AND hub_id = @hubId
