-- A run that stops early (Ctrl-C) gives its lease up, so that the next run resumes at once instead
-- of waiting out the lease. The cursor, status and next run stay as the last committed page left them.
-- Params: @connection, @type, @kind, @worker, @now (ms)
UPDATE feeds SET lease_owner = NULL, lease_until = NULL, updated_at = @now
WHERE connection = @connection AND type = @type AND kind = @kind AND lease_owner = @worker
