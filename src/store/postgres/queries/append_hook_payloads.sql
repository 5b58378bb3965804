-- Params: $1 hook ids, $2 headers (JSON text), $3 segments (JSON text), $4 bodies (bytes)
INSERT INTO hook_payloads (hook_id, headers, segments, body)
SELECT p.hook_id, p.headers::json, p.segments::json, p.body
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bytea[]) AS p (hook_id, headers, segments, body)
