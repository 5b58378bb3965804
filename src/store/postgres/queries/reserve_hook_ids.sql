-- Ids for a group commit's new hooks, in increasing order, so that a batch's hooks are numbered
-- in the order they were received.
-- Params: $1 how many
SELECT nextval('hooks_id_seq') AS id FROM generate_series(1, $1::integer) ORDER BY 1
