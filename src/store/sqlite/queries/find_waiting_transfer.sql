-- A request for the same record that has not started yet: a new one is absorbed into it
-- (coalescing). It will read the record when it runs, so it covers the newer change too.
-- The first status term is the partial index's own (transfers_active_by_record).
-- Params: @recordKey
SELECT id, payload_hook, payload_version FROM transfers
WHERE record_key = @recordKey AND status IN ('queued', 'retrying', 'running') AND status <> 'running'
ORDER BY id
LIMIT 1
