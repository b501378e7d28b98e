-- 0021_event_candidates_cut: how many stored mentions and events a run's event grouping did not compare a new
-- mention with because one of its blocking keys held more than the block size (docs/events.md, Grouping).
-- Shipped migrations are never edited; change the schema with a new numbered file.

ALTER TABLE runs ADD COLUMN event_candidates_cut INTEGER DEFAULT 0;  -- candidates a full block cut
