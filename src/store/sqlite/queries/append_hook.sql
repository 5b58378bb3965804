-- Appends one received hook's state row; a delivery id already taken on the connection inserts
-- nothing (the caller then looks the first one up). Run inside one transaction per group commit,
-- each followed by append_hook_payload.
-- @leaseOwner and @leaseUntil: the row is stored already claimed by the resolver that will read it
-- from memory (both null: left to claim_hooks).
-- Params: @connection, @receivedAt (ms), @contentType, @bodyBytes, @deliveryId, @leaseOwner, @leaseUntil (ms)
INSERT INTO hooks (connection, received_at, content_type, body_bytes, delivery_id, lease_owner, lease_until)
VALUES (@connection, @receivedAt, @contentType, @bodyBytes, @deliveryId, @leaseOwner, @leaseUntil)
ON CONFLICT (connection, delivery_id) WHERE delivery_id IS NOT NULL DO NOTHING
RETURNING id
