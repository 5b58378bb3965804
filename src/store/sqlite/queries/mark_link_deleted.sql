-- Marks a connection's cross-reference to a hub record deleted: its external record is gone.
-- Params: @connection, @type, @hubId, @now (ms)
UPDATE external_ids SET deleted_at = @now
WHERE connection = @connection AND type = @type AND hub_id = @hubId AND deleted_at IS NULL
