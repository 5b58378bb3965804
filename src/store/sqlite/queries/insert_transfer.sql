-- A request inserted running (a child) is claimed at once: first attempt, first claim token.
-- An active one is its record's head when no other request of the record is active (a new row has
-- the highest id; see migration 013). The look-up repeats transfers_active_by_record's WHERE term.
-- Params: @trackingId, @hookId, @notificationId, @parentId, @connection, @type, @direction, @scope,
--         @externalId, @requestType, @status, @reason, @reasonCode, @recordKey, @hubId,
--         @sourceConnection, @origin, @runAt (ms), @leaseOwner, @leaseUntil, @now (ms), @payloadHook, @payloadSeq,
--         @payloadVersion
INSERT INTO transfers (tracking_id, hook_id, notification_id, parent_id, connection, type, direction, scope,
                       external_id, request_type, status, reason, reason_code, record_key, hub_id,
                       source_connection, origin, run_at, lease_owner, lease_until, attempts, claim, created_at, updated_at,
                       payload_hook, payload_seq, payload_version, head)
VALUES (@trackingId, @hookId, @notificationId, @parentId, @connection, @type, @direction, @scope,
        @externalId, @requestType, @status, @reason, @reasonCode, @recordKey, @hubId,
        @sourceConnection, @origin, @runAt, @leaseOwner, @leaseUntil, CASE WHEN @leaseOwner IS NULL THEN 0 ELSE 1 END,
        CASE WHEN @leaseOwner IS NULL THEN 0 ELSE 1 END,
        @now, @now, @payloadHook, @payloadSeq, @payloadVersion,
        @status IN ('queued', 'retrying', 'running') AND NOT EXISTS (
          SELECT 1 FROM transfers WHERE record_key = @recordKey AND status IN ('queued', 'retrying', 'running')))
RETURNING id
