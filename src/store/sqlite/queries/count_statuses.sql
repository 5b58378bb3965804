-- How many hooks and transfers are in each status, and transfers with each reason code: the
-- counters the triggers of migration 013 keep with the rows (kind: hooks | transfers | reasons).
-- Params: none
SELECT kind, key, n FROM status_counts WHERE n <> 0
