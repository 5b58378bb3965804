-- Appends one received hook's state row; a delivery id already taken on the connection inserts
-- nothing (the caller then looks the first one up). Run inside one transaction per group commit,
-- each followed by append_hook_payload.
-- Params: @connection, @receivedAt (ms), @contentType, @bodyBytes, @deliveryId
INSERT INTO hooks (connection, received_at, content_type, body_bytes, delivery_id)
VALUES (@connection, @receivedAt, @contentType, @bodyBytes, @deliveryId)
ON CONFLICT (connection, delivery_id) WHERE delivery_id IS NOT NULL DO NOTHING
RETURNING id
