-- 014: the hooks' counters kept by the statements that change them, a batch at a time.
--
-- Migration 013's per-row triggers cost about 7 µs a hook on append and as much again on
-- resolution — a trigger program runs for every row — which was more than writing the row. Every
-- statement that sets a hook's status is the store's own (append_hook, finish_hook,
-- rereceive_hook), so the store adds to the counters once per transaction instead (add_hook_count):
-- + the hooks appended as received; − received and + each new status for the hooks a resolution
-- saved; − the old status and + received for a hook read again. A deleted hook still counts down
-- through its trigger. Transfers keep their triggers: their statuses change in many places.
DROP TRIGGER hooks_count_on_insert;
DROP TRIGGER hooks_count_on_status;
