-- Removes a connection's cross-reference to a hub record when it is marked deleted, so that a new
-- link (the record created anew, or another record linked) can take its place.
-- Params: @connection, @type, @hubId
DELETE FROM external_ids WHERE connection = @connection AND type = @type AND hub_id = @hubId AND deleted_at IS NOT NULL
