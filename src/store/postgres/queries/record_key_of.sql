-- Params: $1 id
SELECT record_key, scope, request_type AS "requestType", direction, payload_hook, payload_version FROM transfers WHERE id = $1::bigint
