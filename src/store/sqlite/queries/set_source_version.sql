-- The version of the source record the hub just took in through this link.
-- Params: @connection, @type, @externalId, @version
UPDATE external_ids SET source_version = @version WHERE connection = @connection AND type = @type AND external_id = @externalId
