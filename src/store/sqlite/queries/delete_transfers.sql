-- Prunes requests (prunable_transfers.sql chose them, in the same transaction). Their status
-- counters count down through transfers_count_on_delete (migration 013).
-- Params: @ids (JSON array of transfer ids)
DELETE FROM transfers WHERE id IN (SELECT value FROM json_each(@ids))
