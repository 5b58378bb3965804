-- 001: the hooks inbox, the notifications read out of each hook, and transfer requests.
-- Times are epoch milliseconds, passed in by the caller.

CREATE TABLE hooks (
  id            INTEGER PRIMARY KEY,
  connection    TEXT    NOT NULL,
  received_at   INTEGER NOT NULL,
  content_type  TEXT,
  body_bytes    INTEGER NOT NULL,
  status        TEXT    NOT NULL DEFAULT 'received',
  error_code    TEXT,
  error_message TEXT,
  resolved_at   INTEGER,
  lease_owner   TEXT,
  lease_until   INTEGER
);
-- Each index is paid on every append. Claims need only the hooks still to read; operators look
-- for the rare failed and unmatched ones. Listing by connection, or all resolved hooks, walks
-- the primary key from the newest, which is what a listing wants anyway.
CREATE INDEX hooks_received ON hooks (id) WHERE status = 'received';
CREATE INDEX hooks_needing_attention ON hooks (status, id) WHERE status IN ('failed', 'unmatched');

-- What was received, kept apart from the hook's state: it never changes, so claiming and
-- resolving a hook rewrite a small row instead of the whole payload.
CREATE TABLE hook_payloads (
  hook_id  INTEGER PRIMARY KEY REFERENCES hooks (id),
  headers  TEXT    NOT NULL,                    -- JSON object, lower-case names, credentials redacted
  segments TEXT    NOT NULL,                    -- JSON array: the URL path after /hooks/:connection/
  body     BLOB    NOT NULL                     -- the raw bytes as received
);

CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  hook_id     INTEGER NOT NULL REFERENCES hooks (id),
  seq         INTEGER NOT NULL,                 -- position of the element in the hook
  hook_name   TEXT,                             -- the external hook name, for operators only
  scope       TEXT,
  external_id TEXT,
  status      TEXT    NOT NULL,
  reason      TEXT
);
CREATE INDEX notifications_by_hook ON notifications (hook_id, seq);

CREATE TABLE transfers (
  id              INTEGER PRIMARY KEY,
  tracking_id     TEXT    NOT NULL,
  hook_id         INTEGER REFERENCES hooks (id),
  notification_id INTEGER REFERENCES notifications (id),
  parent_id       INTEGER REFERENCES transfers (id),
  connection      TEXT    NOT NULL,
  type            TEXT    NOT NULL,
  direction       TEXT    NOT NULL,
  scope           TEXT    NOT NULL,
  external_id     TEXT,
  request_type    TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  reason          TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  run_at          INTEGER NOT NULL,
  last_error_code TEXT,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX transfers_runnable ON transfers (run_at, id) WHERE status IN ('queued', 'retrying');
CREATE INDEX transfers_by_status ON transfers (status, id);
CREATE INDEX transfers_by_hook ON transfers (hook_id);
CREATE INDEX transfers_by_record ON transfers (connection, type, external_id, direction, id);
