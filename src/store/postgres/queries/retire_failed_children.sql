-- A parent's attempt ended retrying or done: its children that failed are retried with it (the
-- next attempt runs fresh ones), so they leave the dead letters. Their error stays on the row.
-- Fan-out requests share parent_id but run on their own: only request_type 'child' is touched.
-- Through transfers_dead_children, repeating its WHERE term.
-- Params: $1 parent id, $2 now (ms)
UPDATE transfers
SET status = 'skipped', reason_code = 'retried_with_parent',
    reason = 'failed; its parent transfer ' || $1::bigint || ' was retried or went on without it',
    updated_at = $2::bigint
WHERE parent_id = $1::bigint AND request_type = 'child' AND status = 'dead'
