-- PLACEHOLDER kept only on branch 'feeds' so that 0004_feeds applies (the migrator wants 1..N without gaps).
-- Reserved for events (branch events). DELETE THIS FILE when merging: the real migration replaces it.
SELECT 1;
