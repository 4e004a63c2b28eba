-- Indexes for the stewards' web view that Prisma's schema language cannot express, so this migration is written by
-- hand. Both use only core PostgreSQL, so they apply on PGlite too (pg_trgm would not: the embedded engine does not
-- load that extension).

-- Text search over the audit log: 'simple' keeps every word as written (no stemming, no stop words), which suits
-- ids, addresses and action names. Queries use the same expression: to_tsvector('simple', canonical).
-- CreateIndex
CREATE INDEX "AuditEntry_canonical_search_idx" ON "AuditEntry" USING GIN (to_tsvector('simple', "canonical"));

-- Tribune's own entries (no space, proposal or member), newest first: every steward's view includes them, and
-- without this the planner gathers all of them and sorts, on every page.
-- CreateIndex
CREATE INDEX "AuditEntry_tribune_own_seq_idx" ON "AuditEntry" ("seq")
  WHERE "spaceId" IS NULL AND "proposalId" IS NULL AND "memberId" IS NULL;

-- Text search within those entries: the general text index cannot be narrowed to them, and without this a search
-- for a word they do not contain would test every one of them. The predicate is the same condition spelled with
-- coalesce, so that a search can name this index and a page the one above (the planner matches predicates by form).
-- CreateIndex
CREATE INDEX "AuditEntry_tribune_own_search_idx" ON "AuditEntry" USING GIN (to_tsvector('simple', "canonical"))
  WHERE coalesce("spaceId", "proposalId", "memberId") IS NULL;
