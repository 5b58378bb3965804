-- 004: every replay an operator starts is recorded: what, with which filter, how many, when.
CREATE TABLE replays (
  id         INTEGER PRIMARY KEY,
  kind       TEXT    NOT NULL,      -- transfer | transfers | hook
  target     TEXT    NOT NULL,      -- the transfer or hook id, or the filter as JSON
  count      INTEGER NOT NULL DEFAULT 0,
  actor      TEXT    NOT NULL,      -- api | cli
  created_at INTEGER NOT NULL
);
ALTER TABLE transfers ADD COLUMN replays INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hooks ADD COLUMN replays INTEGER NOT NULL DEFAULT 0;
