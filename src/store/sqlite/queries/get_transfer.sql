-- Params: @id
SELECT * FROM transfers WHERE id = @id
