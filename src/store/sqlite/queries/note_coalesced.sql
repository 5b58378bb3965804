-- A notification whose request was absorbed by one already waiting for the same record.
-- Params: @id, @reason
UPDATE notifications SET reason = @reason WHERE id = @id
