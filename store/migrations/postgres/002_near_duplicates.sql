-- PostgreSQL twin of ../002_near_duplicates.sql.
ALTER TABLE documents ADD COLUMN minhash BYTEA;
CREATE TABLE document_bands (
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    band        BIGINT NOT NULL,
    hash        BIGINT NOT NULL,
    PRIMARY KEY (document_id, band)
);
CREATE INDEX document_bands_lookup ON document_bands (band, hash);
