-- The id of a hub record about to be created: known before it is written, so that the records of
-- its fan-out can be locked first.
-- Params: none
SELECT nextval('hub_records_id_seq') AS id
