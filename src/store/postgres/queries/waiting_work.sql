-- The work waiting, for backpressure (asked once a second, and by /metrics): hooks not read yet,
-- and transfer requests due to run. Both start from the counters of migration 001; the requests
-- queued or retrying that are not due yet (a debounce or a retry delay) are taken off, counted on
-- the partial index transfers_runnable from $1 on — as many entries as wait for a later time
-- (usually few), where counting the due ones would read all of them.
-- Params: $1 now (ms)
SELECT
  (SELECT coalesce(sum(n), 0) FROM status_counts WHERE kind = 'hooks' AND key = 'received') AS hooks,
  (SELECT coalesce(sum(n), 0) FROM status_counts WHERE kind = 'transfers' AND key IN ('queued', 'retrying'))
  - (SELECT count(*) FROM transfers WHERE status IN ('queued', 'retrying') AND run_at > $1::bigint) AS transfers
