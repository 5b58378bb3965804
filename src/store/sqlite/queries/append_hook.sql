-- Appends one received hook. Run many times inside one transaction (group commit).
-- Params: @connection, @receivedAt (ms), @headers (JSON), @segments (JSON), @contentType, @body (bytes)
INSERT INTO hooks (connection, received_at, headers, segments, content_type, body)
VALUES (@connection, @receivedAt, @headers, @segments, @contentType, @body)
RETURNING id
