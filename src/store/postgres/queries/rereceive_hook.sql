-- A hook read again (e.g. after a receiver definition was fixed): back to received, so the
-- resolver reads it as new; its earlier notifications and requests stay.
-- Params: $1 id
UPDATE hooks
SET status = 'received', error_code = NULL, error_message = NULL, resolved_at = NULL,
    lease_owner = NULL, lease_until = NULL, replays = replays + 1
WHERE id = $1::bigint AND status <> 'received'
