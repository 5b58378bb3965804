-- 017: retention. Finished hooks and transfer requests are pruned after a while (src/engine/pruner.ts);
-- these make the checks a prune needs cheap, and keep a summary of what it removed.

-- A transfer is pruned only after its children (fan-outs, child requests): each check looks here.
CREATE INDEX transfers_by_parent ON transfers (parent_id) WHERE parent_id IS NOT NULL;

-- A hook is pruned only while no request still points at its payload (payload records, migration 011).
CREATE INDEX transfers_by_payload_hook ON transfers (payload_hook) WHERE payload_hook IS NOT NULL;

-- Lineage of pruned steps. A hub record's lineage lists the requests that touched it; when they are
-- pruned, what they were is kept here as counts, written in the same transaction as the delete:
-- one row per hub record × direction × connection × final status, with the time span they covered.
CREATE TABLE pruned_lineage (
  hub_id     INTEGER NOT NULL,
  direction  TEXT    NOT NULL,
  connection TEXT    NOT NULL,
  status     TEXT    NOT NULL,
  steps      INTEGER NOT NULL,
  first_at   INTEGER NOT NULL,                  -- ms: the oldest pruned request's creation
  last_at    INTEGER NOT NULL,                  -- ms: the newest pruned request's last change
  PRIMARY KEY (hub_id, direction, connection, status)
) WITHOUT ROWID;
