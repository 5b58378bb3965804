-- Params: $1 ids, $2 hook ids, $3 seqs, $4 hook names, $5 scopes, $6 external ids, $7 statuses, $8 reasons
INSERT INTO notifications (id, hook_id, seq, hook_name, scope, external_id, status, reason)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
