-- Params: $1 hub id
SELECT connection, type, external_id, written_hash, created_at, deleted_at FROM external_ids WHERE hub_id = $1::bigint ORDER BY connection
