-- Marks a running request to run once more when it finishes, for the newest request absorbed into
-- it (replacing an older mark). Only while it runs: a row that ended meanwhile is not marked.
-- Params: @id, @followUp (JSON: insert_transfer's parameters without @now)
UPDATE transfers SET follow_up = @followUp WHERE id = @id AND status = 'running'
