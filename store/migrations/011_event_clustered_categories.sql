-- The categories clustering gave an event, apart from those it shows
-- (events.categories), which an editor's merge widens with the merged
-- event's: applying the overrides starts from these, so undoing a merge
-- gives the event its own categories back.
ALTER TABLE events ADD COLUMN clustered_categories TEXT NOT NULL DEFAULT '[]';
UPDATE events SET clustered_categories = categories;
