-- A running request's lease extended while its claim holds; 0 rows: the run lost it and must stop.
-- Params: @id, @token, @leaseUntil (ms)
UPDATE transfers SET lease_until = @leaseUntil WHERE id = @id AND claim = @token AND status = 'running'
