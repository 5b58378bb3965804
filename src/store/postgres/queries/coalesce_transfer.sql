-- A request put back in the queue (a replay) while another waits for the same record: the waiting
-- one will read the record as it is then, so this one ends absorbed by it.
-- Params: $1 id, $2 reason (names the waiting request), $3 now (ms)
UPDATE transfers
SET status = 'skipped', reason_code = 'coalesced', reason = $2::text, finished_at = $3::bigint, replays = replays + 1, updated_at = $3::bigint
WHERE id = $1::bigint AND status NOT IN ('running', 'queued')
