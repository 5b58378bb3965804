-- A hook's status alone.
-- Params: @id
SELECT status FROM hooks WHERE id = @id
