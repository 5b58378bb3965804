-- 004: retention, as SQLite's migration 017. Finished hooks and transfer requests are pruned after a
-- while (src/engine/pruner.ts); these make the checks a prune needs cheap, and keep a summary of
-- what it removed.

-- A transfer is pruned only after its children (fan-outs, child requests): each check looks here.
CREATE INDEX IF NOT EXISTS transfers_by_parent ON transfers (parent_id) WHERE parent_id IS NOT NULL;

-- A hook is pruned only while no request still points at its payload (payload records).
CREATE INDEX IF NOT EXISTS transfers_by_payload_hook ON transfers (payload_hook) WHERE payload_hook IS NOT NULL;

-- Lineage of pruned steps: one row per hub record × direction × connection × final status, with the
-- time span the pruned requests covered, written in the same transaction as their delete.
CREATE TABLE IF NOT EXISTS pruned_lineage (
  hub_id     bigint NOT NULL,
  direction  text   NOT NULL,
  connection text   NOT NULL,
  status     text   NOT NULL,
  steps      bigint NOT NULL,
  first_at   bigint NOT NULL,                   -- ms: the oldest pruned request's creation
  last_at    bigint NOT NULL,                   -- ms: the newest pruned request's last change
  PRIMARY KEY (hub_id, direction, connection, status)
);
