-- Whether a run's claim still holds: the request runs under that token. The row is share-locked
-- for the rest of the transaction, so that no claim takes it over before the write it guards commits.
-- Params: $1 id, $2 token
SELECT lease_owner FROM transfers WHERE id = $1::bigint AND claim = $2::bigint AND status = 'running' FOR SHARE
