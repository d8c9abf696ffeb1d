-- Editorial curation: accounts, sessions, overrides and the audit log.

-- People who can sign in. Readers need no account.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
);

-- Sessions by the SHA-256 of their token: a copy of the database does not
-- hand out working cookies.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Overrides of clustered events, keyed by the event's stable key so they
-- outlive re-crawls and re-clustering. One row per key and field:
-- "title", "hidden", "confirmed", "merged_into", "date:<kind>". value is
-- JSON.
CREATE TABLE event_overrides (
    event_key  TEXT NOT NULL,
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (event_key, field)
);

-- Documents an editor attached to or detached from an event.
CREATE TABLE event_document_overrides (
    event_key   TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    action      TEXT NOT NULL CHECK (action IN ('attach', 'detach')),
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (event_key, document_id)
);

-- Events an editor added by hand (or split off); their key is
-- "manual/<id>" and clustering never drops them.
CREATE TABLE manual_events (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    category   TEXT NOT NULL,
    actors     TEXT NOT NULL DEFAULT '[]',
    date       TEXT NOT NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);

-- Where an evidence row came from when curation put it there: '' for
-- clustering, 'attach' for an editor's attachment, or the key of the
-- event merged in, so undoing a merge removes exactly what it added.
ALTER TABLE event_documents ADD COLUMN via TEXT NOT NULL DEFAULT '';

-- Who changed what and when. user_name is kept as written so the log
-- stays readable after an account is removed.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER,
    user_name TEXT NOT NULL,
    action    TEXT NOT NULL,
    event_key TEXT NOT NULL DEFAULT '',
    before    TEXT NOT NULL DEFAULT '',
    after     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_event ON audit_log (event_key, id);
