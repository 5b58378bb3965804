-- Params: none
SELECT status, count(*) AS n FROM hooks GROUP BY status
