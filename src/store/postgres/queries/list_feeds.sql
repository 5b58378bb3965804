-- Params: none
SELECT * FROM feeds ORDER BY connection, type, kind
