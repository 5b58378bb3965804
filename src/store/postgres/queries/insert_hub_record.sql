-- Params: $1 id (reserve_hub_record_id), $2 type, $3 data (JSON text), $4 now (ms)
INSERT INTO hub_records (id, type, data, created_at, updated_at) VALUES ($1::bigint, $2::text, $3::jsonb, $4::bigint, $4::bigint)
