-- PostgreSQL twin of ../012_event_announcements.sql.
ALTER TABLE events ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
CREATE INDEX events_announcement ON events (announcement);
