-- How many hooks and transfers are in each status, and transfers with each reason code: the
-- counters migration 001 keeps with the rows (kind: hooks | transfers | reasons), summed over shards.
-- Params: none
SELECT kind, key, sum(n) AS n FROM status_counts GROUP BY kind, key HAVING sum(n) <> 0
