-- Withdrawals: the day an official page started answering 404/410. The
-- document and its last version stay; this log says when and how it went
-- away (a page may come back and be withdrawn again, hence a log).
CREATE TABLE document_withdrawals (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    url         TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX document_withdrawals_document ON document_withdrawals (document_id, id);
CREATE INDEX document_withdrawals_at ON document_withdrawals (at);
CREATE INDEX document_versions_captured ON document_versions (captured_at);
