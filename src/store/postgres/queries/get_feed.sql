-- Params: $1 connection, $2 type, $3 kind
SELECT * FROM feeds WHERE connection = $1::text AND type = $2::text AND kind = $3::text
