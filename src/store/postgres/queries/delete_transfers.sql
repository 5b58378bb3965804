-- Prunes requests (prunable_transfers.sql chose and locked them, in the same transaction). Their
-- status counters count down through transfers_count_on_delete.
-- Params: $1 transfer ids
DELETE FROM transfers WHERE id = ANY($1::bigint[])
