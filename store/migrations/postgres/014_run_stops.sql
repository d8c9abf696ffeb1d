-- PostgreSQL twin of ../014_run_stops.sql.
ALTER TABLE crawl_runs ADD COLUMN stops TEXT NOT NULL DEFAULT '';
