-- 010: a cross-reference whose external record was deleted stays, marked with when: later changes
-- of its hub record then know the record is gone (they skip it or create it anew, as the mapping
-- says) instead of writing to it and failing with a 404 at every change.
ALTER TABLE external_ids ADD COLUMN deleted_at INTEGER;   -- ms; null while the external record exists

-- A parent that moves on retires its children that failed: found through this index, which holds
-- dead children alone (few), so that finishing a parent never scans the transfers. The query
-- repeats its WHERE term so that SQLite uses it.
CREATE INDEX transfers_dead_children ON transfers (parent_id) WHERE status = 'dead' AND request_type = 'child';
