-- The transfer requests of one window that retention removes: finished (succeeded or skipped) and
-- last changed before @finishedBefore, or dead and last changed before @deadBefore (a null cutoff
-- keeps its class), and without children left: a request goes after its children (fan-outs,
-- child requests), which reference it (index transfers_by_parent). The newest request is never
-- pruned: SQLite gives a new row the highest id plus one, so an id would otherwise be handed out again.
-- Params: @after, @last (the window's ids), @finishedBefore (ms or null), @deadBefore (ms or null)
SELECT id FROM transfers t
WHERE t.id > @after AND t.id <= @last
  AND ((t.status IN ('succeeded', 'skipped') AND t.updated_at < @finishedBefore)
    OR (t.status = 'dead' AND t.updated_at < @deadBefore))
  AND NOT EXISTS (SELECT 1 FROM transfers c WHERE c.parent_id = t.id)
  AND t.id < (SELECT max(id) FROM transfers)
ORDER BY t.id
