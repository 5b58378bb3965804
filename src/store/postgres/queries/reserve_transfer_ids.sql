-- Ids for new requests, in increasing order, taken after their records were locked: a record's
-- requests are then numbered in the order they arrive, whichever process queues them.
-- Params: $1 how many
SELECT nextval('transfers_id_seq') AS id FROM generate_series(1, $1::integer) ORDER BY 1
