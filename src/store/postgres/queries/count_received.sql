-- The inbox backlog: hooks stored but not read yet, from the counters of migration 001.
-- Params: none
SELECT coalesce(sum(n), 0) AS n FROM status_counts WHERE kind = 'hooks' AND key = 'received'
