-- 013: claims and counts that do not grow with the backlog.
--
-- Heads. A record's requests run one at a time in arrival order, so only the first active request
-- of each record (the lowest id among its queued, retrying and running ones) can be claimed. The
-- row says whether it is that one (`head`), and a partial index holds the heads by (run_at, id):
-- a claim walks it from the oldest due and stops after its limit, instead of checking every queued
-- request against its record and sorting them all (about 1.9 s per claim at 1,000,000 queued).
-- Running heads stay in the index so that a claim can take over an expired lease in the same walk;
-- it walks past the live ones (as many as requests running, a few dozen).
--
-- `head` means something only while the request is active: a request that ends keeps whatever it
-- had (it leaves the index with its status), and one made active again is marked anew.
-- insert_transfer marks a new request itself (a new row has the highest id, so it is its record's
-- head when no other request of the record is active); the triggers below keep the mark right in
-- the same statement as every other write that makes a request active (queued again by a replay)
-- or ends it (finished, cancelled, coalesced, orphaned). Moving between active states (claimed,
-- retrying, handed back) changes no head. Each looks at the active requests of one record only,
-- through transfers_active_by_record: the record's first one is its head, any other is not.
ALTER TABLE transfers ADD COLUMN head INTEGER NOT NULL DEFAULT 0;   -- 1: first active request of its record

UPDATE transfers SET head = 1
WHERE id IN (SELECT min(id) FROM transfers WHERE status IN ('queued', 'retrying', 'running') GROUP BY record_key);

CREATE INDEX transfers_claimable ON transfers (run_at, id) WHERE head = 1 AND status IN ('queued', 'retrying', 'running');

-- A head is still held back by a later request of its record that runs (a replay queued an older
-- request again behind it, or a child runs under its parent). A claim asks this for each head it
-- takes; the index holds the running requests alone (a few dozen), where the look-up through
-- transfers_active_by_record read a page of that large index per head (+0.1 ms a claim at 1,000,000).
CREATE INDEX transfers_running_by_record ON transfers (record_key, lease_until) WHERE status = 'running';

-- A row inserted without its mark right (only when not through insert_transfer): the same rule.
CREATE TRIGGER transfers_head_on_insert AFTER INSERT ON transfers
WHEN NEW.status IN ('queued', 'retrying', 'running')
  AND NEW.head <> NOT EXISTS (SELECT 1 FROM transfers WHERE record_key = NEW.record_key AND status IN ('queued', 'retrying', 'running') AND id < NEW.id)
BEGIN
  UPDATE transfers SET head = 0
  WHERE record_key = NEW.record_key AND status IN ('queued', 'retrying', 'running') AND head = 1
    AND id > (SELECT min(id) FROM transfers WHERE record_key = NEW.record_key AND status IN ('queued', 'retrying', 'running'));
  UPDATE transfers SET head = 1
  WHERE id = (SELECT min(id) FROM transfers WHERE record_key = NEW.record_key AND status IN ('queued', 'retrying', 'running')) AND head = 0;
END;

CREATE TRIGGER transfers_head_on_status AFTER UPDATE OF status ON transfers
WHEN (OLD.status IN ('queued', 'retrying', 'running')) <> (NEW.status IN ('queued', 'retrying', 'running'))
BEGIN
  UPDATE transfers SET head = 0
  WHERE record_key = NEW.record_key AND status IN ('queued', 'retrying', 'running') AND head = 1
    AND id > (SELECT min(id) FROM transfers WHERE record_key = NEW.record_key AND status IN ('queued', 'retrying', 'running'));
  UPDATE transfers SET head = 1
  WHERE id = (SELECT min(id) FROM transfers WHERE record_key = NEW.record_key AND status IN ('queued', 'retrying', 'running')) AND head = 0;
END;

-- Counts. /readyz and /metrics show how many hooks and transfers are in each status, and how many
-- transfers carry each reason code; counting the rows took about 240 ms at 1,000,000 transfers.
-- These counters change with the rows, in the same statement, so reading them costs one row per
-- status. `kind`: hooks (key: status), transfers (key: status), reasons (key: transfers.reason_code).
CREATE TABLE status_counts (
  kind TEXT    NOT NULL,
  key  TEXT    NOT NULL,
  n    INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

INSERT INTO status_counts (kind, key, n) SELECT 'hooks', status, count(*) FROM hooks GROUP BY status;
INSERT INTO status_counts (kind, key, n) SELECT 'transfers', status, count(*) FROM transfers GROUP BY status;
INSERT INTO status_counts (kind, key, n) SELECT 'reasons', reason_code, count(*) FROM transfers WHERE reason_code IS NOT NULL GROUP BY reason_code;

CREATE TRIGGER hooks_count_on_insert AFTER INSERT ON hooks
BEGIN
  INSERT INTO status_counts (kind, key, n) VALUES ('hooks', NEW.status, 1) ON CONFLICT (kind, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER hooks_count_on_status AFTER UPDATE OF status ON hooks
WHEN OLD.status IS NOT NEW.status
BEGIN
  UPDATE status_counts SET n = n - 1 WHERE kind = 'hooks' AND key = OLD.status;
  INSERT INTO status_counts (kind, key, n) VALUES ('hooks', NEW.status, 1) ON CONFLICT (kind, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER hooks_count_on_delete AFTER DELETE ON hooks
BEGIN
  UPDATE status_counts SET n = n - 1 WHERE kind = 'hooks' AND key = OLD.status;
END;

CREATE TRIGGER transfers_count_on_insert AFTER INSERT ON transfers
BEGIN
  INSERT INTO status_counts (kind, key, n) VALUES ('transfers', NEW.status, 1) ON CONFLICT (kind, key) DO UPDATE SET n = n + 1;
  INSERT INTO status_counts (kind, key, n) SELECT 'reasons', NEW.reason_code, 1 WHERE NEW.reason_code IS NOT NULL
    ON CONFLICT (kind, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER transfers_count_on_status AFTER UPDATE OF status ON transfers
WHEN OLD.status IS NOT NEW.status
BEGIN
  UPDATE status_counts SET n = n - 1 WHERE kind = 'transfers' AND key = OLD.status;
  INSERT INTO status_counts (kind, key, n) VALUES ('transfers', NEW.status, 1) ON CONFLICT (kind, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER transfers_count_on_reason AFTER UPDATE OF reason_code ON transfers
WHEN OLD.reason_code IS NOT NEW.reason_code
BEGIN
  UPDATE status_counts SET n = n - 1 WHERE kind = 'reasons' AND key = OLD.reason_code;
  INSERT INTO status_counts (kind, key, n) SELECT 'reasons', NEW.reason_code, 1 WHERE NEW.reason_code IS NOT NULL
    ON CONFLICT (kind, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER transfers_count_on_delete AFTER DELETE ON transfers
BEGIN
  UPDATE status_counts SET n = n - 1 WHERE kind = 'transfers' AND key = OLD.status;
  UPDATE status_counts SET n = n - 1 WHERE kind = 'reasons' AND key = OLD.reason_code;
END;
