-- Params: $1 id, $2 count
UPDATE replays SET count = count + $2::integer WHERE id = $1::bigint
