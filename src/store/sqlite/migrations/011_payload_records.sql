-- 011: payload records. A to_hub request whose hook carries the record itself (a receiver with
-- `record`) points at that element of the stored hook instead of storing the record a second
-- time: the hook's id and the element's position. A newer hook absorbed into a waiting request
-- moves the pointer to itself, so that the waiting request takes in the newer payload.
ALTER TABLE transfers ADD COLUMN payload_hook INTEGER;    -- hooks.id; null: read the record from the source
ALTER TABLE transfers ADD COLUMN payload_seq INTEGER;     -- the element's position in that hook

-- The version (the receiver's `record.version`, e.g. updated_at) of the source record the hub last
-- took in from this link: an older payload arriving later is skipped as stale. Per link, because
-- versions of two systems cannot be compared with each other.
ALTER TABLE external_ids ADD COLUMN source_version TEXT;
