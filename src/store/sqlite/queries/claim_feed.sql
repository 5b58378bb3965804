-- Takes a feed for one run: no live lease of another worker, and (polls) due.
-- Params: @connection, @type, @kind, @worker, @now (ms), @leaseUntil (ms), @ignoreDue (0/1)
UPDATE feeds SET lease_owner = @worker, lease_until = @leaseUntil
WHERE connection = @connection AND type = @type AND kind = @kind
  AND (lease_owner IS NULL OR lease_until < @now OR lease_owner = @worker)
  AND (@ignoreDue = 1 OR next_run_at <= @now)
RETURNING *
