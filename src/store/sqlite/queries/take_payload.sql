-- A request absorbed into one still waiting for the same record: the waiting one takes in the
-- newer request's payload (or none: it then reads the record from the source, as it is now).
-- Params: @id, @payloadHook, @payloadSeq
UPDATE transfers SET payload_hook = @payloadHook, payload_seq = @payloadSeq WHERE id = @id AND direction = 'to_hub'
