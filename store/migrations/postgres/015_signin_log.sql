-- PostgreSQL twin of ../015_signin_log.sql.
CREATE TABLE signin_failures (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX signin_failures_key ON signin_failures (key, at);
CREATE INDEX signin_failures_at ON signin_failures (at);

CREATE TABLE signin_addresses (
    account TEXT NOT NULL,
    addr    TEXT NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (account, addr)
);
