-- The work waiting, for backpressure (asked once a second): hooks not read yet (the partial index
-- hooks_received) and transfer requests due to run. The second count is pinned to the partial
-- index transfers_runnable, which holds exactly the queued and retrying requests by run_at: the
-- count reads index entries only, never the rows (about 8 ms for 100,000 due requests), where
-- transfers_by_status would read each row for its run_at.
-- Params: @now (ms)
SELECT
  (SELECT count(*) FROM hooks WHERE status = 'received') AS hooks,
  (SELECT count(*) FROM transfers INDEXED BY transfers_runnable
   WHERE status IN ('queued', 'retrying') AND run_at <= @now) AS transfers
