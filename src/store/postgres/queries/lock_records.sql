-- Locks the records a transaction is about to read and write the active requests of, sorted, for
-- the rest of the transaction (hookyard_lock_records, migration 001). Call once, before reading them.
-- Params: $1 record keys (text[])
SELECT hookyard_lock_records($1::text[])
