-- The active requests (queued, retrying, running) of locked records, in arrival order: what the
-- enqueue rule decides on. Through transfers_active_by_record, repeating its WHERE term.
-- A running request's mark comes with its payload version: a newer mark replaces it only when
-- its payload is not older.
-- Params: $1 record keys (text[])
SELECT id, record_key, status, request_type, direction, payload_hook, payload_version,
       follow_up ->> 'payloadVersion' AS mark_version FROM transfers
WHERE record_key = ANY ($1::text[]) AND status IN ('queued', 'retrying', 'running')
ORDER BY record_key, id
