-- Params: @hubId
SELECT connection, type, external_id, written_hash, created_at, deleted_at FROM external_ids WHERE hub_id = @hubId ORDER BY connection
