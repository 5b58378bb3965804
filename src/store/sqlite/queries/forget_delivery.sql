-- A delivery id older than the retention window is released, so the sender may use it again.
-- Params: @id
UPDATE hooks SET delivery_id = NULL WHERE id = @id
