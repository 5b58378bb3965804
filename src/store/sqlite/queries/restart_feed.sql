-- An initialization asked for again after it finished starts from the first page.
-- Params: @connection, @type, @kind, @now (ms)
UPDATE feeds SET cursor = NULL, status = 'running', pages = 0, records = 0, total = NULL, last_error = NULL,
                 started_at = @now, finished_at = NULL, updated_at = @now
WHERE connection = @connection AND type = @type AND kind = @kind AND (status <> 'running' OR started_at IS NULL)
