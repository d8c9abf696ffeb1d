-- PostgreSQL twin of ../013_documents_source.sql.
CREATE INDEX documents_source ON documents (source, published);
