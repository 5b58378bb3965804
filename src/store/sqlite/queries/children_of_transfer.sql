-- Params: @parentId
SELECT * FROM transfers WHERE parent_id = @parentId ORDER BY id
