-- A run that failed: the lease is given up, the cursor stays, the next run is scheduled.
-- Params: @connection, @type, @kind, @token, @error, @nextRunAt (ms), @now (ms)
UPDATE feeds SET lease_owner = NULL, lease_until = NULL, last_error = @error, next_run_at = @nextRunAt, updated_at = @now
WHERE connection = @connection AND type = @type AND kind = @kind AND claim = @token AND lease_owner IS NOT NULL
