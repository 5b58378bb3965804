-- A run that stops early (Ctrl-C, a failed page) gives its lease up, so that the next run resumes
-- at once instead of waiting out the lease. The cursor, status and next run stay as the last
-- committed page left them. Only while the claim holds: a run that lost the feed leaves it alone.
-- Params: @connection, @type, @kind, @token, @now (ms)
UPDATE feeds SET lease_owner = NULL, lease_until = NULL, updated_at = @now
WHERE connection = @connection AND type = @type AND kind = @kind AND claim = @token AND lease_owner IS NOT NULL
