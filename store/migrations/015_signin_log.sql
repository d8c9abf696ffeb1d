-- Failed sign-ins and the addresses each account signed in from, kept in
-- the archive so that every server of a shared archive holds a guesser to
-- the same limits (and a restart does not forget them). Times are Unix
-- nanoseconds: compared, not shown. key is the limiter's counter: the
-- account and address together, the address, or the account.
CREATE TABLE signin_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX signin_failures_key ON signin_failures (key, at);
CREATE INDEX signin_failures_at ON signin_failures (at);

CREATE TABLE signin_addresses (
    account TEXT NOT NULL,
    addr    TEXT NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (account, addr)
);
