-- Collision handling: a live hub record of the type whose field has this value.
-- Params: @type, @path (JSON path, e.g. $.sku), @value (JSON text of the value)
SELECT * FROM hub_records
WHERE type = @type AND deleted = 0 AND json_quote(json_extract(data, @path)) = @value
ORDER BY id
LIMIT 1
