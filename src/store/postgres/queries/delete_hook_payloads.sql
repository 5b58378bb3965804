-- What pruned hooks carried goes with them (before them: it references the hook).
-- Params: $1 hook ids
DELETE FROM hook_payloads WHERE hook_id = ANY($1::bigint[])
