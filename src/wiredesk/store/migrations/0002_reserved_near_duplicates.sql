-- PLACEHOLDER kept only on branch 'feeds' so that 0004_feeds applies (the migrator wants 1..N without gaps).
-- Reserved for near-duplicates (branch dedup, 0002_near_duplicates.sql). DELETE THIS FILE when merging: the real migration replaces it.
SELECT 1;
