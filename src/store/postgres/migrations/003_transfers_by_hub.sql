-- 003: the transfer requests that touched one hub record (to_hub requests that wrote it, from_hub
-- requests that write it out), oldest first: the record's lineage (GET /api/records/:type/:id/lineage).
CREATE INDEX IF NOT EXISTS transfers_by_hub ON transfers (hub_id, id) WHERE hub_id IS NOT NULL;
