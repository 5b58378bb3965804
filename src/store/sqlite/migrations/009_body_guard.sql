-- 009: the body replay guard. For a connection with `webhook.dedupe: { by: body }`, the SHA-256 of
-- each body it stored and the hook that carried it; a copy within the window finds that hook. One
-- row per (connection, hash): a body stored again after the window replaces it. Expired rows are
-- pruned a few at a time by the appends of the same connection.
CREATE TABLE hook_body_hashes (
  connection  TEXT    NOT NULL,
  hash        BLOB    NOT NULL,                 -- SHA-256 of the body as stored (decoded when it came compressed)
  hook_id     INTEGER NOT NULL REFERENCES hooks (id),
  received_at INTEGER NOT NULL,
  PRIMARY KEY (connection, hash)
);
CREATE INDEX hook_body_hashes_by_age ON hook_body_hashes (connection, received_at);
