-- Params: @kind, @target, @count, @actor, @now (ms)
INSERT INTO replays (kind, target, count, actor, created_at) VALUES (@kind, @target, @count, @actor, @now) RETURNING id
