-- Sources as last configured; documents keep the source name even when a
-- source is later removed from the config.
CREATE TABLE sources (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    url        TEXT NOT NULL,
    doc_kind   TEXT NOT NULL,
    schedule   TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

-- One row per archived page: its newest extraction. Older versions live in
-- document_versions, raw fetches in captures.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    url          TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    byline       TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL DEFAULT '',
    lang         TEXT NOT NULL DEFAULT '',
    site         TEXT NOT NULL DEFAULT '',
    doc_number   TEXT NOT NULL DEFAULT '',
    published    TEXT NOT NULL DEFAULT '',
    date_source  TEXT NOT NULL DEFAULT '',
    modified     TEXT NOT NULL DEFAULT '',
    fetched_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    withdrawn    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX documents_content_hash ON documents (content_hash);
CREATE INDEX documents_updated_at ON documents (updated_at);

-- Every extracted version of a document, so a citation can name exactly
-- what a page said on a day.
CREATE TABLE document_versions (
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    published    TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    captured_at  TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);

-- Raw fetches as they came off the wire: the evidence behind a version.
CREATE TABLE captures (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    fetched_at   TEXT NOT NULL,
    request_url  TEXT NOT NULL,
    final_url    TEXT NOT NULL,
    status       INTEGER NOT NULL,
    header       TEXT NOT NULL DEFAULT '{}',
    body_gzip    BLOB,
    body_sha256  TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX captures_document ON captures (document_id, id);

-- Other URLs at which the same content was found (syndicated copies), so
-- the document page can say "also published by".
CREATE TABLE document_aliases (
    url         TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    found_at    TEXT NOT NULL
);

CREATE TABLE tags (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    value       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    score       REAL NOT NULL DEFAULT 0,
    matches     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (document_id, type, value)
);
CREATE INDEX tags_value ON tags (type, value);

-- Events are recomputed by clustering; the key keeps an event's id stable
-- across re-clustering so permalinks and editors' overrides survive.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    category   TEXT NOT NULL,
    actors     TEXT NOT NULL DEFAULT '[]',
    target     TEXT NOT NULL DEFAULT '',
    instrument TEXT NOT NULL DEFAULT '',
    date       TEXT NOT NULL,
    dates      TEXT NOT NULL DEFAULT '[]',
    news_only  INTEGER NOT NULL DEFAULT 0,
    confirmed  INTEGER NOT NULL DEFAULT 0,
    hidden     INTEGER NOT NULL DEFAULT 0,
    stale      INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE INDEX events_date ON events (date);

CREATE TABLE event_documents (
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    passage     TEXT NOT NULL DEFAULT '',
    is_primary  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, document_id)
);

CREATE TABLE crawl_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    sources     TEXT NOT NULL DEFAULT '[]',
    fetched     INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE crawl_errors (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    url    TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX crawl_errors_run ON crawl_errors (run_id);
