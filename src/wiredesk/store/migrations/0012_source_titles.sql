-- source_titles: what a feed says about itself, kept with its source: its title and the address of the
-- site it belongs to (RSS <channel><link>, Atom <link rel="alternate">, JSON Feed home_page_url). Both are
-- source state (wiredesk.sources.schedule.SourceState): taken from every successful parse and written in
-- the transaction of the batch the fetch produced; an OPML import fills them until the first fetch.
-- `wiredesk sources list` shows them; `wiredesk sources export-opml` writes them as title and htmlUrl.
-- Idempotent (IF NOT EXISTS): a test that makes a database look older re-applies it. Shipped migrations
-- are never edited.
ALTER TABLE sources ADD COLUMN IF NOT EXISTS title VARCHAR;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS site_url VARCHAR;
