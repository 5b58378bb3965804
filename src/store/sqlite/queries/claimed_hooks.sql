-- The hooks one claim took, by id (a JSON array), with their payloads.
-- Params: @ids
SELECT h.*, p.headers, p.segments, p.body
FROM hooks h JOIN hook_payloads p ON p.hook_id = h.id
WHERE h.id IN (SELECT value FROM json_each(@ids))
ORDER BY h.id
