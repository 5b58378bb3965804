-- The marks of requests a stopping worker hands back (their records are locked), with the payload
-- versions a request that waits again compares before it takes its mark in (enqueue.ts).
-- Params: $1 ids
SELECT id, payload_version, follow_up ->> 'payloadVersion' AS mark_version FROM transfers
WHERE id = ANY ($1::bigint[]) AND follow_up IS NOT NULL AND direction = 'to_hub'
