-- Records (or moves) the cross-reference connection + type + external id → hub record; a link
-- marked deleted and written again is live again.
-- Params: @connection, @type, @externalId, @hubId, @writtenHash, @knownHub (JSON), @now (ms)
INSERT INTO external_ids (connection, type, external_id, hub_id, written_hash, known_hub, created_at)
VALUES (@connection, @type, @externalId, @hubId, @writtenHash, @knownHub, @now)
ON CONFLICT (connection, type, external_id) DO UPDATE SET hub_id = excluded.hub_id, written_hash = excluded.written_hash, known_hub = excluded.known_hub, deleted_at = NULL
