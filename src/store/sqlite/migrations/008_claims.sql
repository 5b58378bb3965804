-- 008: fenced claims. Each claim of a transfer request or a feed gets a new token (the column
-- counts the claims); every write of the run presents it, so a run whose lease was taken over —
-- or whose request ended meanwhile — can change nothing.
ALTER TABLE transfers ADD COLUMN claim INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN claim INTEGER NOT NULL DEFAULT 0;
