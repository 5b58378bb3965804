-- Appends a group commit's hooks, one array element each, in one statement; hook_payloads gets
-- what each carried next (append_hook_payloads). A delivery id another process stored meanwhile
-- inserts nothing: the answer then lacks that id, and the append runs again and finds it.
-- Rows go in sorted by delivery id, not by id: two appends holding some of the same delivery ids
-- then wait for each other's in one order, never in a circle (the ids, given in batch order, stay).
-- Lease owner and lease until: the rows are stored already claimed by the resolver that will read
-- them from memory (null: left to claim_hooks).
-- Params: $1 ids, $2 connections, $3 content types, $4 body sizes, $5 delivery ids, $6 received at (ms),
--         $7 lease owner, $8 lease until (ms)
INSERT INTO hooks (id, connection, received_at, content_type, body_bytes, delivery_id, lease_owner, lease_until)
SELECT h.id, h.connection, $6::bigint, h.content_type, h.body_bytes, h.delivery_id, $7::text, $8::bigint
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::text[]) AS h (id, connection, content_type, body_bytes, delivery_id)
ORDER BY h.connection, h.delivery_id
ON CONFLICT (connection, delivery_id) WHERE delivery_id IS NOT NULL DO NOTHING
RETURNING id
