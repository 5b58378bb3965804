-- Params: @connection, @type, @hubId
SELECT external_id, written_hash, deleted_at FROM external_ids WHERE connection = @connection AND type = @type AND hub_id = @hubId
