-- 006: what hookyard last knew a linked record to hold, in hub terms: the hub record's values it
-- wrote there, or the values it read there and took in. A record read again with exactly these
-- values brings nothing new: while the hub record has changed since, it is hookyard's own write
-- coming back (its echo registration lost in a crash, say) or a hook repeated, and it is dropped
-- instead of winding the hub record back. Otherwise only the fields that differ from these are
-- taken in: the others may be stale there, behind a newer hub value on its way.
ALTER TABLE external_ids ADD COLUMN IF NOT EXISTS known_hub text;
