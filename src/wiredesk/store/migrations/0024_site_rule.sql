-- site_rule: what the site rule of a document's host did to it (wiredesk.clean.siterules; docs/cleaning.md,
-- Site rules): 'keep' (its body is what the keep selectors matched), 'generic' (a rule that only drops),
-- 'keep_unmatched' (the keep selectors matched no text: generic extraction, the rule needs a look).
-- NULL when the host has no rule, and for documents stored before this migration until a reprocess.
-- Shipped migrations are never edited; change the schema with a new numbered file.

ALTER TABLE documents ADD COLUMN site_rule VARCHAR;
