-- The first hook about a record after hookyard wrote it is the echo of that write.
-- Params: @connection, @type, @externalId, @now (ms)
DELETE FROM echoes
WHERE connection = @connection AND type = @type AND external_id = @externalId AND expires_at >= @now
RETURNING expires_at
