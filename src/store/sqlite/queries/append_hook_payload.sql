-- Params: @hookId, @headers (JSON), @segments (JSON), @body (bytes)
INSERT INTO hook_payloads (hook_id, headers, segments, body)
VALUES (@hookId, @headers, @segments, @body)
