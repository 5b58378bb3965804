-- Appends one received hook's state row. Run many times inside one transaction (group commit),
-- each followed by append_hook_payload.
-- Params: @connection, @receivedAt (ms), @contentType, @bodyBytes
INSERT INTO hooks (connection, received_at, content_type, body_bytes)
VALUES (@connection, @receivedAt, @contentType, @bodyBytes)
RETURNING id
