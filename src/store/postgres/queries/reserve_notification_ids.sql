-- Ids for a resolution batch's notifications: the batch numbers them itself, so that its requests
-- can name them before either is written.
-- Params: $1 how many
SELECT nextval('notifications_id_seq') AS id FROM generate_series(1, $1::integer) ORDER BY 1
