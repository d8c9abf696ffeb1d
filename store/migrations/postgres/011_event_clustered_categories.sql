-- PostgreSQL twin of ../011_event_clustered_categories.sql.
ALTER TABLE events ADD COLUMN clustered_categories TEXT NOT NULL DEFAULT '[]';
UPDATE events SET clustered_categories = categories;
