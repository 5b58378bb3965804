-- 006: several writes to one record before its first echo arrives expect as many echoes.
ALTER TABLE echoes ADD COLUMN pending INTEGER NOT NULL DEFAULT 1;
