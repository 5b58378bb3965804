-- Params: @connection, @type, @hubId, @writtenHash
UPDATE external_ids SET written_hash = @writtenHash WHERE connection = @connection AND type = @type AND hub_id = @hubId
