-- Locks the record of one request (hookyard_lock_records) and answers with its key: a run ending
-- its attempt holds it while the request's status, its record's head and its follow-up change.
-- Params: $1 id
SELECT record_key, hookyard_lock_records(ARRAY[record_key]) FROM transfers WHERE id = $1::bigint
