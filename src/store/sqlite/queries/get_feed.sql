-- Params: @connection, @type, @kind
SELECT * FROM feeds WHERE connection = @connection AND type = @type AND kind = @kind
