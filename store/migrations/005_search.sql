-- Saved searches: a search (its URL parameters) kept under a name, with an
-- optional webhook told about new matches after each crawl. checked_at is
-- how far the webhook has been told: documents changed after it are new.
CREATE TABLE saved_searches (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    params      TEXT NOT NULL,
    webhook_url TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    checked_at  TEXT NOT NULL
);

-- Releases: a search frozen as a citable set. The manifest (JSON) lists
-- every document with its version and capture hash; the id is derived from
-- the manifest, so it names exactly that set, and rows are never updated.
CREATE TABLE releases (
    id         TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    params     TEXT NOT NULL,
    total      INTEGER NOT NULL,
    manifest   TEXT NOT NULL
);
CREATE INDEX releases_created_at ON releases (created_at);
