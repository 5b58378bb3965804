-- Marks running requests to run once more when they finish, for the newest request absorbed into
-- each (replacing an older mark). Only while they run: a row that ended meanwhile is not marked.
-- Params: $1 ids, $2 marks (JSON text: insert_transfers' columns of the request, without now)
UPDATE transfers t SET follow_up = m.follow_up::jsonb
FROM unnest($1::bigint[], $2::text[]) AS m (id, follow_up)
WHERE t.id = m.id AND t.status = 'running'
