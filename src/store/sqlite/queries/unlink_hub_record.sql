-- Removes a connection's cross-reference to a hub record (remap: it is about to point elsewhere).
-- Params: @connection, @type, @hubId
DELETE FROM external_ids WHERE connection = @connection AND type = @type AND hub_id = @hubId
