-- A request's mark: the newest request for its record that arrived while it ran (null: none did).
-- Params: @id
SELECT follow_up FROM transfers WHERE id = @id
