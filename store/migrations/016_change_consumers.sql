-- Every process that takes the change log into an index of its own (a
-- server, the data directory's index) says how far it got, so that the
-- log can be trimmed below what all of them, the timeline and the
-- webhooks have taken in. One not heard of within the log's retention
-- is forgotten; when it comes back, derived_state('pruned') tells it that
-- the log no longer holds what it missed, and it rebuilds its index from
-- the store.
CREATE TABLE change_consumers (
    name    TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL,
    seen_at TEXT NOT NULL
);
