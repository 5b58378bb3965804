-- Records (or moves) the cross-reference connection + type + external id → hub record; a link
-- marked deleted and written again is live again.
-- Params: @connection, @type, @externalId, @hubId, @writtenHash, @writtenHub (JSON), @now (ms)
INSERT INTO external_ids (connection, type, external_id, hub_id, written_hash, written_hub, created_at)
VALUES (@connection, @type, @externalId, @hubId, @writtenHash, @writtenHub, @now)
ON CONFLICT (connection, type, external_id) DO UPDATE SET hub_id = excluded.hub_id, written_hash = excluded.written_hash, written_hub = excluded.written_hub, deleted_at = NULL
