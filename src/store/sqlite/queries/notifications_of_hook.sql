-- Params: @hookId
SELECT * FROM notifications WHERE hook_id = @hookId ORDER BY seq, id
