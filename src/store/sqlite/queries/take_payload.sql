-- A request absorbed into one still waiting for the same record: the waiting one takes in the
-- newer request's payload and its version (or none: it then reads the record from the source, as
-- it is now). The enqueue rule decides before whether the payload is newer (see enqueue.ts).
-- Params: @id, @payloadHook, @payloadSeq, @payloadVersion
UPDATE transfers SET payload_hook = @payloadHook, payload_seq = @payloadSeq, payload_version = @payloadVersion
WHERE id = @id AND direction = 'to_hub'
