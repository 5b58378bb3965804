-- 012: coalescing while running. A request for a record whose request is running (and none
-- waiting) is not queued behind it: the running one is marked to run once more when it finishes.
-- The mark is the newest such request, as insert_transfer would take it (JSON of its parameters:
-- scope, request type, hook, notification, payload pointer, …); a newer one replaces it. The run
-- that finishes the request turns the mark into one follow-up request (or hands it to a request
-- waiting for the record by then); an attempt that ends retrying takes it in itself. Only a
-- running row carries a mark.
ALTER TABLE transfers ADD COLUMN follow_up TEXT;
