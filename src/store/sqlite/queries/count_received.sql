-- The inbox backlog: hooks stored but not read yet (the partial index hooks_received answers it).
-- Params: none
SELECT count(*) AS n FROM hooks WHERE status = 'received'
