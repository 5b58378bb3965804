-- Writes only over the version the caller read (optimistic concurrency).
-- Params: @id, @data (JSON), @deleted (0/1), @version, @now (ms)
UPDATE hub_records SET data = @data, deleted = @deleted, version = version + 1, updated_at = @now
WHERE id = @id AND version = @version
