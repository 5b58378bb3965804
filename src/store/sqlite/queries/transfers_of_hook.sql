-- Params: @hookId
SELECT * FROM transfers WHERE hook_id = @hookId ORDER BY id
