-- The marks a stopping worker's requests carry (to_hub, not children), with each request's own
-- payload: release_transfers takes a mark in only where its record is not older (see enqueue.ts).
-- Params: @worker
SELECT id, payload_hook, payload_seq, payload_version, follow_up FROM transfers
WHERE lease_owner = @worker AND status = 'running' AND request_type <> 'child' AND direction = 'to_hub' AND follow_up IS NOT NULL
