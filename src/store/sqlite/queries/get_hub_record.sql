-- Params: @id
SELECT * FROM hub_records WHERE id = @id
