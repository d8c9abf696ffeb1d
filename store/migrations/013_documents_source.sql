-- The sources page and a source's coverage read every document of one
-- source (its publication days, its newest capture); without an index
-- each of those was a scan of the whole archive per source.
CREATE INDEX documents_source ON documents (source, published);
