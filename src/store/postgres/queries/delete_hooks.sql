-- Prunes hooks (prunable_hooks.sql chose and locked them, in the same transaction), after what hangs
-- off them (delete_hook_notifications, delete_hook_payloads, delete_hook_body_hashes). Their status
-- counters count down through hooks_count_on_delete.
-- Params: $1 hook ids
DELETE FROM hooks WHERE id = ANY($1::bigint[])
