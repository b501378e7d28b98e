-- 0027_event_mention_keys: each mention's blocking keys (docs/events.md, Grouping), stored when the mention is
-- written, so that a batch finds the stored mentions it can be grouped with by a look-up of its own keys instead
-- of computing the keys of every mention of the grouping window from their sentences, for every batch.
-- Rows of the current, not negated mentions only (wiredesk.store.event_neighbours keeps them right);
-- the backfill computes them for the mentions already stored. Shipped migrations are never edited.

CREATE TABLE event_mention_keys (
    key VARCHAR NOT NULL,            -- the key's parts joined by chr(31), as wiredesk.events.group.block_key_texts
    mention_id BIGINT NOT NULL,      -- event_mention_rows.mention_id
    document_id BIGINT NOT NULL,     -- its document (a batch's own documents are left out of its look-up)
    event_class VARCHAR NOT NULL,    -- its class (the near-duplicate paragraph key names none)
    published_at TIMESTAMPTZ         -- its document's publication time (the grouping window; NULL: undated)
);

-- which key rules made the rows (wiredesk.store.event_neighbours.keys_version): other rules, every key again
CREATE TABLE event_key_index (version VARCHAR NOT NULL);
