-- Collision handling: a live hub record of the type whose (top-level) field has this value. The
-- containment finds candidates through hub_records_by_data; the equality keeps only exact ones
-- (containment also matches an object or array that merely holds the value).
-- Params: $1 type, $2 field, $3 value (JSON text)
SELECT * FROM hub_records
WHERE type = $1::text AND NOT deleted
  AND data @> jsonb_build_object($2::text, $3::jsonb) AND data -> $2::text = $3::jsonb
ORDER BY id
LIMIT 1
