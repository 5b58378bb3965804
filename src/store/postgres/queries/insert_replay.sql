-- Params: $1 kind, $2 target, $3 count, $4 actor, $5 now (ms)
INSERT INTO replays (kind, target, count, actor, created_at) VALUES ($1::text, $2::text, $3::integer, $4::text, $5::bigint) RETURNING id
