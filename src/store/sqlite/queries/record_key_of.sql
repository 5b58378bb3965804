-- Params: @id
SELECT record_key, scope, request_type AS requestType FROM transfers WHERE id = @id
