-- One definition of what became of each URL a run handled (model.Outcome):
-- counts for the outcomes that had none, and each logged URL's outcome.
-- Pages dropped (no text, off-topic, duplicate) are logged with their
-- reason; source_failed marks the failure that left a source with nothing
-- crawled in the run.
ALTER TABLE crawl_runs ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_errors ADD COLUMN outcome TEXT NOT NULL DEFAULT 'failed';
ALTER TABLE crawl_errors ADD COLUMN source_failed INTEGER NOT NULL DEFAULT 0;

-- Runs before this logged robots.txt refusals (counted as skipped), pages
-- that were not HTML (skipped) and withdrawals (counted as failed) among
-- their errors: give each its outcome and move the counts.
UPDATE crawl_errors SET outcome = 'refused' WHERE reason LIKE 'robots.txt%';
UPDATE crawl_errors SET outcome = 'skipped' WHERE reason LIKE 'not HTML%';
UPDATE crawl_errors SET outcome = 'withdrawn'
    WHERE outcome = 'failed' AND reason IN ('HTTP 404', 'HTTP 410')
    AND EXISTS (SELECT 1 FROM document_withdrawals w WHERE w.url = crawl_errors.url);
UPDATE crawl_runs SET
    refused = (SELECT count(*) FROM crawl_errors e WHERE e.run_id = crawl_runs.id AND e.outcome = 'refused'),
    withdrawn = (SELECT count(*) FROM crawl_errors e WHERE e.run_id = crawl_runs.id AND e.outcome = 'withdrawn');
UPDATE crawl_runs SET skipped = max(0, skipped - refused), failed = max(0, failed - withdrawn);
-- A failure of the source's own URL left the source with nothing.
UPDATE crawl_errors SET source_failed = 1
    WHERE outcome = 'failed' AND url IN (SELECT url FROM sources s WHERE s.name = crawl_errors.source);
