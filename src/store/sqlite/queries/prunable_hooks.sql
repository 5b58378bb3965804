-- The hooks of one window that retention removes: read, received before their cutoff (resolved,
-- partial and empty ones: @hooksBefore; unmatched, invalid and failed ones, which an operator may
-- replay after a config change: @deadHooksBefore; null keeps the class), and still needed by
-- nothing:
--   * no transfer request they made is left (those go first), and none reads its record from them;
--   * a delivery id is kept as long as it deduplicates (received at or after @deliveriesSince);
--   * a body the replay guard may still find (received at or after @guardSince) is kept;
--   * the newest hook is kept: SQLite gives a new row the highest id plus one, so an id would
--     otherwise be handed out again.
-- The guard's row has the hook's own connection and receipt time (append.ts), so it is found
-- through hook_body_hashes_by_age.
-- Params: @after, @last (the window's ids), @hooksBefore, @deadHooksBefore (ms or null),
--         @deliveriesSince, @guardSince (ms)
SELECT id FROM hooks h
WHERE h.id > @after AND h.id <= @last
  AND ((h.status IN ('resolved', 'partial', 'empty') AND h.received_at < @hooksBefore)
    OR (h.status IN ('unmatched', 'invalid', 'failed') AND h.received_at < @deadHooksBefore))
  AND (h.delivery_id IS NULL OR h.received_at < @deliveriesSince)
  AND (h.received_at < @guardSince OR NOT EXISTS (
    SELECT 1 FROM hook_body_hashes b WHERE b.connection = h.connection AND b.received_at = h.received_at AND b.hook_id = h.id))
  AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.hook_id = h.id)
  AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.payload_hook = h.id)
  AND h.id < (SELECT max(id) FROM hooks)
ORDER BY h.id
