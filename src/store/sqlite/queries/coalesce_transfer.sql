-- A request put back in the queue (a replay) while another waits for the same record: the waiting
-- one will read the record as it is then, so this one ends absorbed by it.
-- Params: @id, @reason (names the waiting request), @now (ms)
UPDATE transfers
SET status = 'skipped', reason_code = 'coalesced', reason = @reason, finished_at = @now, replays = replays + 1, updated_at = @now
WHERE id = @id AND status NOT IN ('running', 'queued')
