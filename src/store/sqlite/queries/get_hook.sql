-- Params: @id
SELECT * FROM hooks WHERE id = @id
