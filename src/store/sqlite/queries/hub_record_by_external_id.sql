-- Params: @connection, @type, @externalId
SELECT r.* FROM external_ids x JOIN hub_records r ON r.id = x.hub_id
WHERE x.connection = @connection AND x.type = @type AND x.external_id = @externalId
