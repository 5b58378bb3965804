-- Params: none
SELECT status, count(*) AS n FROM transfers GROUP BY status
