-- The request running for a record (not a child: a child runs inside its parent's attempt and is
-- never marked), with its mark. A newer request for the record marks it instead of queueing.
-- The first status term is the partial index's own (transfers_active_by_record).
-- Params: @recordKey
SELECT id, follow_up FROM transfers
WHERE record_key = @recordKey AND status IN ('queued', 'retrying', 'running') AND status = 'running' AND request_type <> 'child'
ORDER BY id
LIMIT 1
