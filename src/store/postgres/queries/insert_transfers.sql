-- Inserts requests, one array element each, with the ids reserved for them and their head mark as
-- the enqueue rule worked it out under the records' locks (enqueue.ts). A request inserted running
-- (a child) is claimed at once: first attempt, first claim token.
-- Params: $1 ids, $2 tracking ids, $3 hook ids, $4 notification ids, $5 parent ids, $6 connections,
--         $7 types, $8 directions, $9 scopes, $10 external ids, $11 request types, $12 statuses,
--         $13 reasons, $14 reason codes, $15 record keys, $16 hub ids, $17 source connections,
--         $18 origins, $19 run at (ms), $20 lease owners, $21 lease until (ms), $22 payload hooks,
--         $23 payload seqs, $24 payload versions, $25 heads, $26 now (ms)
INSERT INTO transfers (id, tracking_id, hook_id, notification_id, parent_id, connection, type, direction, scope,
                       external_id, request_type, status, reason, reason_code, record_key, hub_id,
                       source_connection, origin, run_at, lease_owner, lease_until, payload_hook, payload_seq, payload_version, head,
                       attempts, claim, created_at, updated_at)
SELECT r.id, r.tracking_id, r.hook_id, r.notification_id, r.parent_id, r.connection, r.type, r.direction, r.scope,
       r.external_id, r.request_type, r.status, r.reason, r.reason_code, r.record_key, r.hub_id,
       r.source_connection, r.origin, r.run_at, r.lease_owner, r.lease_until, r.payload_hook, r.payload_seq, r.payload_version, r.head,
       CASE WHEN r.lease_owner IS NULL THEN 0 ELSE 1 END, CASE WHEN r.lease_owner IS NULL THEN 0 ELSE 1 END, $26::bigint, $26::bigint
FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::bigint[],
            $17::text[], $18::text[], $19::bigint[], $20::text[], $21::bigint[], $22::bigint[], $23::integer[], $24::text[], $25::boolean[])
  AS r (id, tracking_id, hook_id, notification_id, parent_id, connection, type, direction, scope,
        external_id, request_type, status, reason, reason_code, record_key, hub_id,
        source_connection, origin, run_at, lease_owner, lease_until, payload_hook, payload_seq, payload_version, head)
ORDER BY r.id
