-- Why a run stopped before its frontier was done (the store could not be
-- written, the process was interrupted) and when a later crawl resumed
-- it, each stamped, in the order it happened ("2026-… stopped: …; 2026-…
-- resumed"); '' for a run that went through. A full disk may refuse this note too; the
-- crawl's log and error say it then.
ALTER TABLE crawl_runs ADD COLUMN stops TEXT NOT NULL DEFAULT '';
