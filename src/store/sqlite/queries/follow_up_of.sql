-- A request's mark: the newest request for its record that arrived while it ran (null: none did),
-- and the request's own payload version (a retrying request takes its mark in by it).
-- Params: @id
SELECT follow_up, payload_hook, payload_version FROM transfers WHERE id = @id
