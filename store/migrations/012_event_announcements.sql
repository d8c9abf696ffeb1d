-- One announcement that does several things (an order that ends
-- preferential treatment and authorises sanctions) is one event per
-- category, linked by the key of the announcement's main event. '' is an
-- event that is an announcement of its own (an editor's; any event until
-- the next clustering fills this in).
ALTER TABLE events ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
CREATE INDEX events_announcement ON events (announcement);
