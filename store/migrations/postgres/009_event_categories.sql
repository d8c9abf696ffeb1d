-- PostgreSQL twin of ../014_event_categories.sql.
ALTER TABLE events ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
