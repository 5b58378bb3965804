-- 006: what hookyard last wrote through a link, in hub terms: the hub record's values at the write.
-- A record read back from that system with exactly these values is hookyard's own write coming
-- back, even when the echo registered for it was lost (a crash between the write and its record)
-- and the hub has changed since: it is dropped as an echo instead of winding the hub record back.
-- A change taken in from that system clears it (and written_hash): the record is its own again.
ALTER TABLE external_ids ADD COLUMN IF NOT EXISTS written_hub text;
