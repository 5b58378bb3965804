-- The inbox backlog: hooks stored but not read yet, from the counters of migration 013.
-- Params: none
SELECT coalesce((SELECT n FROM status_counts WHERE kind = 'hooks' AND key = 'received'), 0) AS n
