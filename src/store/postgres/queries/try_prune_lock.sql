-- One pruner at a time across processes: a transaction-level advisory lock (7202, 0) in the store's
-- two-key space, tried, never waited for. A process that does not get it skips its prune.
SELECT pg_try_advisory_xact_lock(7202, 0) AS locked
