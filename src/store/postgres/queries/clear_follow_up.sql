-- The mark of a request whose attempt just ended, consumed by its follow-up (or by the request itself).
-- Params: $1 id
UPDATE transfers SET follow_up = NULL WHERE id = $1::bigint
