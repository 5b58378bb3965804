-- What a stopping worker still runs, with the records to lock before handing it back. The look-up
-- walks transfers_running_by_record (the running requests alone), repeating its WHERE term.
-- Params: $1 worker
SELECT id, record_key FROM transfers WHERE status = 'running' AND lease_owner = $1::text
