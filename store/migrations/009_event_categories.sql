-- Every category of one announcement (an order that ends preferential
-- treatment and authorises sanctions is one event), as a JSON array with
-- the event's category first; '[]' means just its category.
ALTER TABLE events ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
