-- Params: @id, @count
UPDATE replays SET count = count + @count WHERE id = @id
