-- Requests absorbed into ones still waiting for the same records: each waiting one takes in the
-- newer request's payload (or none: it then reads the record from the source, as it is then),
-- unless that payload is older than its own (enqueue.ts decides); the version goes with the pointer.
-- Params: $1 ids, $2 payload hooks, $3 payload seqs, $4 payload versions
UPDATE transfers t SET payload_hook = p.hook, payload_seq = p.seq, payload_version = p.version
FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[]) AS p (id, hook, seq, version)
WHERE t.id = p.id AND t.direction = 'to_hub'
