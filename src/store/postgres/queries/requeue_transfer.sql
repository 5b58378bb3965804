-- Puts a finished or waiting request back in the queue with its attempts renewed. The row, its
-- last error and its activity stay; only a running or queued request is left alone.
-- Params: $1 id, $2 now (ms)
UPDATE transfers
SET status = 'queued', attempts = 0, run_at = $2::bigint, finished_at = NULL, reason = NULL, reason_code = NULL,
    replays = replays + 1, updated_at = $2::bigint
WHERE id = $1::bigint AND status NOT IN ('running', 'queued')
