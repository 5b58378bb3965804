-- 005: feeds — where a poll or an initialization has got to in a system's list of records.
-- The cursor advances in the same transaction as the requests a page spawned, so a crash repeats
-- a page rather than losing or doubling its records. The lease makes one poller at a time.
CREATE TABLE feeds (
  connection  TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  kind        TEXT    NOT NULL,                 -- poll | init
  cursor      TEXT,
  status      TEXT    NOT NULL DEFAULT 'idle',  -- poll: idle; init: running | done
  next_run_at INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  pages       INTEGER NOT NULL DEFAULT 0,
  records     INTEGER NOT NULL DEFAULT 0,
  total       INTEGER,
  last_error  TEXT,
  started_at  INTEGER,
  updated_at  INTEGER,
  finished_at INTEGER,
  PRIMARY KEY (connection, type, kind)
);
