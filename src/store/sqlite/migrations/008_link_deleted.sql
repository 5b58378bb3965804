-- 008: a cross-reference whose external record was deleted stays, marked with when: later changes
-- of its hub record then know the record is gone (they skip it or create it anew, as the mapping
-- says) instead of writing to it and failing with a 404 at every change.
ALTER TABLE external_ids ADD COLUMN deleted_at INTEGER;   -- ms; null while the external record exists
