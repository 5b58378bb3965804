-- Params: $1 type, $2 data (JSON text), $3 now (ms)
INSERT INTO hub_records (type, data, created_at, updated_at) VALUES ($1::text, $2::jsonb, $3::bigint, $3::bigint) RETURNING id
