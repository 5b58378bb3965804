-- Requests absorbed into ones still waiting for the same records: each waiting one takes in the
-- newer request's payload (or none: it then reads the record from the source, as it is then).
-- Params: $1 ids, $2 payload hooks, $3 payload seqs
UPDATE transfers t SET payload_hook = p.hook, payload_seq = p.seq
FROM unnest($1::bigint[], $2::bigint[], $3::integer[]) AS p (id, hook, seq)
WHERE t.id = p.id AND t.direction = 'to_hub'
