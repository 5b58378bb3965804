-- Claims the oldest received hooks that no live lease holds; claimed_hooks then reads them by id.
-- The walk goes along hooks_received in id order and stops after @limit: it passes only the
-- hooks other resolvers hold right now, however many wait.
-- Params: @worker, @leaseUntil (ms), @now (ms), @limit
UPDATE hooks
SET lease_owner = @worker, lease_until = @leaseUntil
WHERE id IN (
  SELECT id FROM hooks
  WHERE status = 'received' AND (lease_until IS NULL OR lease_until < @now)
  ORDER BY id
  LIMIT @limit
)
RETURNING id
