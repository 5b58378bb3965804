-- Params: @id
SELECT record_key FROM transfers WHERE id = @id
