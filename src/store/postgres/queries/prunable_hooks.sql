-- The hooks of one window that retention removes, locked: read, received before their cutoff
-- (resolved, partial and empty ones: $3; unmatched, invalid and failed ones, which an operator may
-- replay after a config change: $4; null keeps the class), and still needed by nothing:
--   * no transfer request they made is left (those go first), and none reads its record from them;
--   * a delivery id is kept as long as it deduplicates (received at or after $5);
--   * a body the replay guard may still find (received at or after $6) is kept;
--   * the newest hook is kept, as in SQLite (where an id would otherwise be handed out again).
-- The guard's row has the hook's own connection and receipt time (append.ts), so it is found
-- through hook_body_hashes_by_age. A hook another transaction holds (read again by a replay) is passed.
-- Params: $1 after, $2 last (the window's ids), $3 hooks before, $4 dead hooks before (ms or null),
--         $5 deliveries since, $6 guard since (ms)
SELECT id FROM hooks h
WHERE h.id > $1::bigint AND h.id <= $2::bigint
  AND ((h.status IN ('resolved', 'partial', 'empty') AND h.received_at < $3::bigint)
    OR (h.status IN ('unmatched', 'invalid', 'failed') AND h.received_at < $4::bigint))
  AND (h.delivery_id IS NULL OR h.received_at < $5::bigint)
  AND (h.received_at < $6::bigint OR NOT EXISTS (
    SELECT 1 FROM hook_body_hashes b WHERE b.connection = h.connection AND b.received_at = h.received_at AND b.hook_id = h.id))
  AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.hook_id = h.id)
  AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.payload_hook = h.id)
  AND h.id < (SELECT max(id) FROM hooks)
ORDER BY h.id
FOR UPDATE SKIP LOCKED
