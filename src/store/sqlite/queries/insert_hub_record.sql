-- Params: @type, @data (JSON), @now (ms)
INSERT INTO hub_records (type, data, created_at, updated_at) VALUES (@type, @data, @now, @now) RETURNING id
