-- Params: none
SELECT reason_code, count(*) AS n FROM transfers WHERE reason_code IS NOT NULL GROUP BY reason_code
