-- A worker stopping hands back what it still runs: queued again at once, the attempt not counted,
-- so another worker takes it without waiting for the lease to expire. Children are not handed
-- back (release_children closes them): their parent runs a fresh child when it runs again.
-- A request marked to run once more (follow_up) waits again and will read the record anew, so it
-- takes the mark in itself: its payload pointer and version (to_hub), as a waiting request absorbing
-- a newer one — except the requests in $4, whose own payload is newer than their mark's (they keep it).
-- Params: $1 ids (what running_of_worker found; their records are locked), $2 worker, $3 now (ms),
--         $4 ids that keep their own payload
UPDATE transfers t
SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'queued' END,
    attempts = attempts - 1, run_at = $3::bigint, lease_owner = NULL, lease_until = NULL, updated_at = $3::bigint,
    payload_hook = CASE WHEN follow_up IS NULL OR direction <> 'to_hub' OR t.id = ANY ($4::bigint[]) THEN payload_hook ELSE (follow_up ->> 'payloadHook')::bigint END,
    payload_seq = CASE WHEN follow_up IS NULL OR direction <> 'to_hub' OR t.id = ANY ($4::bigint[]) THEN payload_seq ELSE (follow_up ->> 'payloadSeq')::integer END,
    payload_version = CASE WHEN follow_up IS NULL OR direction <> 'to_hub' OR t.id = ANY ($4::bigint[]) THEN payload_version ELSE follow_up ->> 'payloadVersion' END,
    follow_up = NULL
FROM unnest($1::bigint[]) AS c (id)
WHERE t.id = c.id AND t.lease_owner = $2::text AND t.status = 'running' AND t.request_type <> 'child'
