-- Prunes hooks (prunable_hooks.sql chose them, in the same transaction), after what hangs off them
-- (delete_hook_notifications, delete_hook_payloads, delete_hook_body_hashes). Their status counters
-- count down through hooks_count_on_delete (migration 013).
-- Params: @ids (JSON array of hook ids)
DELETE FROM hooks WHERE id IN (SELECT value FROM json_each(@ids))
