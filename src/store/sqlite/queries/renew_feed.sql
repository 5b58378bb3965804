-- A feed's lease extended while the reader's claim holds; 0 rows: another reader took it over.
-- Params: @connection, @type, @kind, @token, @leaseUntil (ms)
UPDATE feeds SET lease_until = @leaseUntil
WHERE connection = @connection AND type = @type AND kind = @kind AND claim = @token AND lease_owner IS NOT NULL
