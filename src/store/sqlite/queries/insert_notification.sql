-- @id from next_notification_id, counted on within the same transaction.
-- Params: @id, @hookId, @seq, @hookName, @scope, @externalId, @status, @reason
INSERT INTO notifications (id, hook_id, seq, hook_name, scope, external_id, status, reason)
VALUES (@id, @hookId, @seq, @hookName, @scope, @externalId, @status, @reason)
