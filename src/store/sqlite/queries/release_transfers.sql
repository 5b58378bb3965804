-- A worker stopping hands back what it still runs: queued again at once, the attempt not counted,
-- so another worker takes it without waiting for the lease to expire. Children are not handed
-- back (release_children closes them): their parent runs a fresh child when it runs again.
-- A request marked to run once more (follow_up) waits again and will read the record anew, so it
-- takes the mark in itself: its payload pointer and version (to_hub), as a waiting request absorbing
-- a newer one; a mark whose record is older than the request's own was rewritten to the request's
-- own payload before (marks_of_worker, in engine-tables.ts).
-- Params: @worker, @now (ms)
UPDATE transfers
SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'queued' END,
    attempts = attempts - 1, run_at = @now, lease_owner = NULL, lease_until = NULL, updated_at = @now,
    payload_hook = CASE WHEN follow_up IS NULL OR direction <> 'to_hub' THEN payload_hook ELSE json_extract(follow_up, '$.payloadHook') END,
    payload_seq = CASE WHEN follow_up IS NULL OR direction <> 'to_hub' THEN payload_seq ELSE json_extract(follow_up, '$.payloadSeq') END,
    payload_version = CASE WHEN follow_up IS NULL OR direction <> 'to_hub' THEN payload_version ELSE json_extract(follow_up, '$.payloadVersion') END,
    follow_up = NULL
WHERE lease_owner = @worker AND status = 'running' AND request_type <> 'child'
