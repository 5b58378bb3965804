-- The transfer requests of one window that retention removes, locked: finished (succeeded or
-- skipped) and last changed before $3, or dead and last changed before $4 (a null cutoff keeps its
-- class), and without children left: a request goes after its children (fan-outs, child requests),
-- which reference it (index transfers_by_parent). The newest request is never pruned, as in SQLite
-- (where an id would otherwise be handed out again). A row another transaction holds (a replay
-- taking it back) is passed; one changed meanwhile is checked again as it is now.
-- Params: $1 after, $2 last (the window's ids), $3 finished before (ms or null), $4 dead before (ms or null)
SELECT id FROM transfers t
WHERE t.id > $1::bigint AND t.id <= $2::bigint
  AND ((t.status IN ('succeeded', 'skipped') AND t.updated_at < $3::bigint)
    OR (t.status = 'dead' AND t.updated_at < $4::bigint))
  AND NOT EXISTS (SELECT 1 FROM transfers c WHERE c.parent_id = t.id)
  AND t.id < (SELECT max(id) FROM transfers)
ORDER BY t.id
FOR UPDATE SKIP LOCKED
