-- Params: @connection, @deliveryId
SELECT id, received_at FROM hooks WHERE connection = @connection AND delivery_id = @deliveryId
