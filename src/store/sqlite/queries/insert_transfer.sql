-- Params: @trackingId, @hookId, @notificationId, @parentId, @connection, @type, @direction, @scope,
--         @externalId, @requestType, @status, @reason, @now (ms; also the first run time)
INSERT INTO transfers (tracking_id, hook_id, notification_id, parent_id, connection, type, direction, scope,
                       external_id, request_type, status, reason, run_at, created_at, updated_at)
VALUES (@trackingId, @hookId, @notificationId, @parentId, @connection, @type, @direction, @scope,
        @externalId, @requestType, @status, @reason, @now, @now, @now)
RETURNING id
