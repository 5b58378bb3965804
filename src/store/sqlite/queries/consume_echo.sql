-- A hook about a record hookyard wrote within the window is the echo of one of its writes.
-- Params: @connection, @type, @externalId, @now (ms)
UPDATE echoes SET pending = pending - 1
WHERE connection = @connection AND type = @type AND external_id = @externalId AND expires_at >= @now AND pending > 0
RETURNING pending
