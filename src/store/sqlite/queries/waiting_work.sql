-- The work waiting, for backpressure (asked once a second, and by /metrics): hooks not read yet,
-- and transfer requests due to run. Both start from the counters of migration 013; the requests
-- queued or retrying that are not due yet (a debounce or a retry delay) are taken off, counted on
-- the partial index transfers_runnable from @now on — index entries only, as many as wait for a
-- later time (usually few), where counting the due ones read all of them (60 ms at 1,000,000).
-- Params: @now (ms)
SELECT
  coalesce((SELECT n FROM status_counts WHERE kind = 'hooks' AND key = 'received'), 0) AS hooks,
  coalesce((SELECT sum(n) FROM status_counts WHERE kind = 'transfers' AND key IN ('queued', 'retrying')), 0)
  - (SELECT count(*) FROM transfers INDEXED BY transfers_runnable
     WHERE status IN ('queued', 'retrying') AND run_at > @now) AS transfers
