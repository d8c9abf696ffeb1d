-- PostgreSQL twin of ../016_change_consumers.sql.
CREATE TABLE change_consumers (
    name    TEXT PRIMARY KEY,
    seq     BIGINT NOT NULL,
    seen_at TEXT NOT NULL
);
