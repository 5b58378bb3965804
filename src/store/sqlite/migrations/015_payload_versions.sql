-- 015: the version of the record a request takes from its hook (payload records with a
-- `record.version`), read when the hook is resolved. Hooks arrive out of order: a request waiting
-- for a record keeps the newest payload it absorbs by this version, not the last one to arrive
-- (which could be older, and the hub's stale guard would then keep the record at the older one).
ALTER TABLE transfers ADD COLUMN payload_version TEXT;
