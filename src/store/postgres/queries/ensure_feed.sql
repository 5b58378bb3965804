-- Params: $1 connection, $2 type, $3 kind
INSERT INTO feeds (connection, type, kind) VALUES ($1::text, $2::text, $3::text) ON CONFLICT DO NOTHING
