-- 018: the admin lists filtered by external id (GET /api/hooks?externalId=, GET /api/transfers?externalId=),
-- newest first, without scanning hooks or transfers.
CREATE INDEX notifications_by_external_id ON notifications (external_id, hook_id) WHERE external_id IS NOT NULL;
CREATE INDEX transfers_by_external_id ON transfers (external_id, id) WHERE external_id IS NOT NULL;
