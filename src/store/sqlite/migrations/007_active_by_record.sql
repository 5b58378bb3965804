-- 007: per-record ordering and coalescing look only at requests still to run. The old index held
-- every request a record ever had, so a record with a long history slowed every lookup; this one
-- holds the active ones alone. Queries repeat its WHERE term so that SQLite uses it.
DROP INDEX transfers_by_record;
CREATE INDEX transfers_active_by_record ON transfers (record_key, id) WHERE status IN ('queued', 'retrying', 'running');
