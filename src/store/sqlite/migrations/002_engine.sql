-- 002: the transfer engine — leases and per-record ordering on transfer requests, hub records,
-- cross-references between hub records and external ids, echoes, and each transfer's activity.

-- Transfers for one record (direction + connection + type + external id, or hub id when writing
-- out of the hub) run one at a time, in arrival order: claims look at the record key.
ALTER TABLE transfers ADD COLUMN record_key TEXT;
UPDATE transfers SET record_key = direction || '|' || connection || '|' || type || '|' || coalesce(external_id, '');
DROP INDEX transfers_by_record;
CREATE INDEX transfers_by_record ON transfers (record_key, id);

ALTER TABLE transfers ADD COLUMN hub_id INTEGER;            -- the hub record (from_hub: the one written out)
ALTER TABLE transfers ADD COLUMN source_connection TEXT;    -- from_hub: where the change came from
ALTER TABLE transfers ADD COLUMN origin TEXT;               -- why it exists, e.g. "customer_address/updated 55"
ALTER TABLE transfers ADD COLUMN reason_code TEXT;          -- skipped/succeeded: echo, coalesced, filtered, …
ALTER TABLE transfers ADD COLUMN resolved_by INTEGER;       -- the child request that resolved this one
ALTER TABLE transfers ADD COLUMN lease_owner TEXT;
ALTER TABLE transfers ADD COLUMN lease_until INTEGER;
ALTER TABLE transfers ADD COLUMN finished_at INTEGER;

-- The hub's canonical copy of each record, per data type, as a JSON document.
CREATE TABLE hub_records (
  id         INTEGER PRIMARY KEY,
  type       TEXT    NOT NULL,
  data       TEXT    NOT NULL,                  -- JSON object
  version    INTEGER NOT NULL DEFAULT 1,        -- optimistic concurrency: every write checks it
  deleted    INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX hub_records_by_type ON hub_records (type, id);

-- The cross-reference: one external id per hub record per connection, and the other way round.
CREATE TABLE external_ids (
  connection   TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  external_id  TEXT    NOT NULL,
  hub_id       INTEGER NOT NULL REFERENCES hub_records (id),
  written_hash TEXT,                            -- from_hub: what was last written, to skip no-op writes
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (connection, type, external_id)
);
CREATE UNIQUE INDEX external_ids_by_hub ON external_ids (connection, type, hub_id);

-- Writes hookyard made, whose hooks will come back: the first such hook is dropped.
CREATE TABLE echoes (
  connection  TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  external_id TEXT    NOT NULL,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (connection, type, external_id)
);

CREATE TABLE transfer_activity (
  id          INTEGER PRIMARY KEY,
  transfer_id INTEGER NOT NULL REFERENCES transfers (id),
  at          INTEGER NOT NULL,
  step        TEXT    NOT NULL,
  detail      TEXT
);
CREATE INDEX transfer_activity_by_transfer ON transfer_activity (transfer_id, id);
