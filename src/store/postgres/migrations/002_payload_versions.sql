-- 002: versions of payload records. A request that takes its record from a hook's element keeps
-- that record's version beside the pointer (null: no payload, or the receiver reads no version).
-- Hooks arrive out of order, so a request waiting for a record keeps the newest of the payloads
-- it absorbs instead of the last to arrive (enqueue.ts), and a running request's mark keeps the
-- newest one likewise. A mark carries its version in its JSON (payloadVersion); a mark written
-- before this migration has none, and is compared as unversioned.
ALTER TABLE transfers ADD COLUMN payload_version text;
