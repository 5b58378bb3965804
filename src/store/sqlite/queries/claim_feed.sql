-- Takes a feed for one run: no live lease (not even this worker's own: a second run in one
-- process waits like one in another), and (polls) due. Each claim gets a new token, which every
-- write of the run presents.
-- Params: @connection, @type, @kind, @worker, @now (ms), @leaseUntil (ms), @ignoreDue (0/1)
UPDATE feeds SET lease_owner = @worker, lease_until = @leaseUntil, claim = claim + 1
WHERE connection = @connection AND type = @type AND kind = @kind
  AND (lease_owner IS NULL OR lease_until < @now)
  AND (@ignoreDue = 1 OR next_run_at <= @now)
RETURNING *
