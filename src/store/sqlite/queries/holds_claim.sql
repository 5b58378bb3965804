-- Whether a run's claim still holds: the request runs under that token.
-- Params: @id, @token
SELECT 1 FROM transfers WHERE id = @id AND claim = @token AND status = 'running'
