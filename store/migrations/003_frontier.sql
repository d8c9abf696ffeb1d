-- A crawl run's frontier: every URL it queued, with what to do with it,
-- so a run killed mid-way resumes with the URLs not yet done. key is the
-- crawler's de-duplication key (the URL without a trailing slash).
CREATE TABLE crawl_frontier (
    run_id      INTEGER NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    url         TEXT NOT NULL,
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    depth       INTEGER NOT NULL DEFAULT 0,
    listing     INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL DEFAULT '',
    published   TEXT NOT NULL DEFAULT '',
    date_source TEXT NOT NULL DEFAULT '',
    doc_number  TEXT NOT NULL DEFAULT '',
    queued_at   TEXT NOT NULL,
    done_at     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, key)
);
CREATE INDEX crawl_frontier_pending ON crawl_frontier (run_id, done_at);

-- HTTP validators of each fetched page, sent back on the next crawl
-- (If-None-Match, If-Modified-Since) so an unchanged page costs a 304.
CREATE TABLE http_validators (
    url           TEXT PRIMARY KEY,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);
