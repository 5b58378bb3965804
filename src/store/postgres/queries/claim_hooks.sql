-- Claims the oldest received hooks that no live lease holds, and reads them with their payloads.
-- The walk goes along hooks_received in id order and stops after $4: it passes only the hooks
-- other resolvers hold right now (SKIP LOCKED passes those being claimed this instant), however many wait.
-- Params: $1 worker, $2 lease until (ms), $3 now (ms), $4 limit
WITH taken AS (
  UPDATE hooks h SET lease_owner = $1::text, lease_until = $2::bigint
  FROM (
    SELECT id FROM hooks
    WHERE status = 'received' AND (lease_until IS NULL OR lease_until < $3::bigint)
    ORDER BY id
    LIMIT $4::integer
    FOR NO KEY UPDATE SKIP LOCKED
  ) AS c
  WHERE h.id = c.id
  RETURNING h.*
)
SELECT t.*, p.headers, p.segments, p.body
FROM taken t JOIN hook_payloads p ON p.hook_id = t.id
ORDER BY t.id
