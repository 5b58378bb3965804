-- Params: $1 id
SELECT h.*, p.headers, p.segments, p.body
FROM hooks h JOIN hook_payloads p ON p.hook_id = h.id
WHERE h.id = $1::bigint
