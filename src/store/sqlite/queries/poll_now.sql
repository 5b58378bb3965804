-- A "poll now" hook: the next poll is due at once.
-- Params: @connection, @type, @now (ms)
UPDATE feeds SET next_run_at = @now WHERE connection = @connection AND type = @type AND kind = 'poll'
