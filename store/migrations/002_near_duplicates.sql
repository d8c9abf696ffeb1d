-- MinHash signatures for near-duplicate detection (syndicated copies with
-- small edits); see neardup.go. Each document's signature is cut into
-- bands; documents sharing a band are candidates, checked on the signature.
ALTER TABLE documents ADD COLUMN minhash BLOB;
CREATE TABLE document_bands (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    band        INTEGER NOT NULL,
    hash        INTEGER NOT NULL,
    PRIMARY KEY (document_id, band)
);
CREATE INDEX document_bands_lookup ON document_bands (band, hash);
