-- The replay guard's rows of pruned hooks (older than the guard's window by then: prunable_hooks.sql),
-- found by the hook's connection and receipt time through hook_body_hashes_by_age.
-- Params: $1 hook ids
DELETE FROM hook_body_hashes b USING hooks h
WHERE h.id = ANY($1::bigint[]) AND b.connection = h.connection AND b.received_at = h.received_at AND b.hook_id = h.id
