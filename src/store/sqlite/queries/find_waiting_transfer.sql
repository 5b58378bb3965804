-- A request for the same record that has not started yet: a new one is absorbed into it
-- (coalescing). It will read the record when it runs, so it covers the newer change too.
-- Params: @recordKey
SELECT id FROM transfers
WHERE record_key = @recordKey AND status IN ('queued', 'retrying')
ORDER BY id
LIMIT 1
