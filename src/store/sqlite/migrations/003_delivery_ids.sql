-- 003: idempotent intake. A sender's delivery id (webhook-id, X-GitHub-Delivery, …) is unique per
-- connection while it is kept; a re-delivery finds the hook it already made.
ALTER TABLE hooks ADD COLUMN delivery_id TEXT;
CREATE UNIQUE INDEX hooks_by_delivery ON hooks (connection, delivery_id) WHERE delivery_id IS NOT NULL;
