-- The change log (an outbox): one row per change to a document, written in
-- the same transaction as the change itself, numbered in commit order.
-- The search index, the timeline and saved-search alerts are derived from
-- it: each consumer remembers the last seq it has taken in and reads
-- `WHERE seq > last ORDER BY seq`, so a process that crashed between the
-- store and the index catches up, and another process's crawl reaches a
-- running server's index without a restart. document_id has no foreign
-- key: an entry must outlive a document it says was removed.
CREATE TABLE change_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    run_id      INTEGER NOT NULL DEFAULT 0,
    at          TEXT NOT NULL
);

-- How far into the change log each piece of derived data in the store is
-- built ("timeline": the events). The search index keeps its own mark in
-- the index, written in the same batch as the documents.
CREATE TABLE derived_state (
    name TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL
);

-- Saved-search webhooks are told about changes up to alerted_seq.
ALTER TABLE saved_searches ADD COLUMN alerted_seq INTEGER NOT NULL DEFAULT 0;

-- An archive from before the log: every document enters it once, so an
-- index that missed some (a crawl killed between store and index) is
-- repaired by taking the log in. Events and webhooks are current already.
INSERT INTO change_log (document_id, kind, at) SELECT id, 'new', updated_at FROM documents ORDER BY id;
INSERT INTO derived_state (name, seq) SELECT 'timeline', coalesce(max(seq), 0) FROM change_log;
UPDATE saved_searches SET alerted_seq = (SELECT coalesce(max(seq), 0) FROM change_log);
