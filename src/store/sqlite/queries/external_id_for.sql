-- Params: @connection, @type, @hubId
SELECT external_id, written_hash, known_hub, deleted_at, source_version FROM external_ids WHERE connection = @connection AND type = @type AND hub_id = @hubId
