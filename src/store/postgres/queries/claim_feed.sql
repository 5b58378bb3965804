-- Takes a feed for one run: no live lease (not even this worker's own: a second run in one
-- process waits like one in another), and (polls) due. Each claim gets a new token, which every
-- write of the run presents. Two claims at once: the second re-reads the row once the first
-- commits, finds the lease taken, and takes nothing.
-- Params: $1 connection, $2 type, $3 kind, $4 worker, $5 now (ms), $6 lease until (ms), $7 ignore due
UPDATE feeds SET lease_owner = $4::text, lease_until = $6::bigint, claim = claim + 1
WHERE connection = $1::text AND type = $2::text AND kind = $3::text
  AND (lease_owner IS NULL OR lease_until < $5::bigint)
  AND ($7::boolean OR next_run_at <= $5::bigint)
RETURNING claim
