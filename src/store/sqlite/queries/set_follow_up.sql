-- Rewrites a request's mark (JSON as mark_follow_up writes it).
-- Params: @id, @followUp
UPDATE transfers SET follow_up = @followUp WHERE id = @id
