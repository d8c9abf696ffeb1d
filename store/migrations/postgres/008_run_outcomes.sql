-- PostgreSQL twin of ../008_run_outcomes.sql.
ALTER TABLE crawl_runs ADD COLUMN dropped BIGINT NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN refused BIGINT NOT NULL DEFAULT 0;
ALTER TABLE crawl_runs ADD COLUMN withdrawn BIGINT NOT NULL DEFAULT 0;
ALTER TABLE crawl_errors ADD COLUMN outcome TEXT NOT NULL DEFAULT 'failed';
ALTER TABLE crawl_errors ADD COLUMN source_failed BIGINT NOT NULL DEFAULT 0;

UPDATE crawl_errors SET outcome = 'refused' WHERE reason LIKE 'robots.txt%';
UPDATE crawl_errors SET outcome = 'skipped' WHERE reason LIKE 'not HTML%';
UPDATE crawl_errors SET outcome = 'withdrawn'
    WHERE outcome = 'failed' AND reason IN ('HTTP 404', 'HTTP 410')
    AND EXISTS (SELECT 1 FROM document_withdrawals w WHERE w.url = crawl_errors.url);
UPDATE crawl_runs SET
    refused = (SELECT count(*) FROM crawl_errors e WHERE e.run_id = crawl_runs.id AND e.outcome = 'refused'),
    withdrawn = (SELECT count(*) FROM crawl_errors e WHERE e.run_id = crawl_runs.id AND e.outcome = 'withdrawn');
UPDATE crawl_runs SET skipped = greatest(0, skipped - refused), failed = greatest(0, failed - withdrawn);
UPDATE crawl_errors SET source_failed = 1
    WHERE outcome = 'failed' AND url IN (SELECT url FROM sources s WHERE s.name = crawl_errors.source);
