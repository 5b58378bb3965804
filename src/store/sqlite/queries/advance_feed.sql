-- One page committed: the cursor moves on with the requests it spawned (same transaction).
-- Params: @connection, @type, @kind, @token, @cursor (null keeps it), @records, @total, @status,
--         @nextRunAt (ms), @release (1: give up the lease), @finishedAt, @now (ms)
UPDATE feeds
SET cursor = coalesce(@cursor, cursor), pages = pages + 1, records = records + @records, total = coalesce(@total, total),
    status = @status, next_run_at = @nextRunAt, last_error = NULL, updated_at = @now, finished_at = @finishedAt,
    lease_owner = CASE WHEN @release = 1 THEN NULL ELSE lease_owner END,
    lease_until = CASE WHEN @release = 1 THEN NULL ELSE lease_until END
WHERE connection = @connection AND type = @type AND kind = @kind AND claim = @token AND lease_owner IS NOT NULL
