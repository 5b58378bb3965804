-- The replay guard's rows of pruned hooks (older than the guard's window by then: prunable_hooks.sql),
-- found by the hook's connection and receipt time through hook_body_hashes_by_age.
-- Params: @ids (JSON array of hook ids)
DELETE FROM hook_body_hashes WHERE rowid IN (
  SELECT b.rowid FROM hooks h
  JOIN hook_body_hashes b ON b.connection = h.connection AND b.received_at = h.received_at AND b.hook_id = h.id
  WHERE h.id IN (SELECT value FROM json_each(@ids))
)
