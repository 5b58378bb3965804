-- Tells the processes listening on hookyard_work (listen.ts) that this transaction stored work:
-- 'hooks' (hooks to resolve) or 'transfers' (requests to run). Delivered only when the transaction
-- commits; identical notifications of one transaction are delivered once.
-- Params: $1 what ('hooks' | 'transfers')
SELECT pg_notify('hookyard_work', $1::text)
