-- Params: @connection, @type, @kind
INSERT INTO feeds (connection, type, kind) VALUES (@connection, @type, @kind) ON CONFLICT DO NOTHING
