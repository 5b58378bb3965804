-- Params: @hookId, @seq, @hookName, @scope, @externalId, @status, @reason
INSERT INTO notifications (hook_id, seq, hook_name, scope, external_id, status, reason)
VALUES (@hookId, @seq, @hookName, @scope, @externalId, @status, @reason)
RETURNING id
