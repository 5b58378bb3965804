-- A parent's attempt ended retrying or done: its children that failed are retried with it (the
-- next attempt runs fresh ones), so they leave the dead letters. Their error stays on the row.
-- Fan-out requests share parent_id but run on their own: only request_type 'child' is touched.
-- Params: @parentId, @now (ms)
UPDATE transfers
SET status = 'skipped', reason_code = 'retried_with_parent',
    reason = 'failed; its parent transfer ' || @parentId || ' was retried or went on without it',
    updated_at = @now
WHERE parent_id = @parentId AND request_type = 'child' AND status = 'dead'
