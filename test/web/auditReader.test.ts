import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditFilter, type AuditPosition, EMPTY_FILTER } from "../../src/web/auditFilter.js";
import { auditPageQueries, type SqlQuery } from "../../src/web/auditQuery.js";
import { type AuditReader, createAuditReader } from "../../src/web/auditReader.js";
import { showEntries } from "../../src/web/privacyRedaction.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { PRIVATE_STATEMENT, PUBLIC_STATEMENT, type Seeded, seedStewardData } from "./seedStewardData.js";

let t: TestDatabase;
let seeded: Seeded;
let reader: AuditReader;
beforeAll(async () => {
  t = await createTestDatabase();
  seeded = await seedStewardData(t.db.prisma);
  reader = createAuditReader({ sql: t.db.sql });
});
afterAll(() => t.drop());

const scopeA = () => ({ spaceIds: [seeded.spaceA] });

/** Walks every page from the top to the end and back again, returning the seqs seen each way. */
async function walk(filter: AuditFilter, limit: number) {
  const forward: number[][] = [];
  let position: AuditPosition = null;
  for (;;) {
    const page = await reader.page(scopeA(), filter, position, limit);
    forward.push(page.entries.map((e) => e.seq));
    if (page.older === null) break;
    position = { before: page.older };
  }
  const backward: number[][] = [];
  let last = await reader.page(scopeA(), filter, position, limit);
  backward.push(last.entries.map((e) => e.seq));
  while (last.newer !== null) {
    last = await reader.page(scopeA(), filter, { after: last.newer }, limit);
    backward.push(last.entries.map((e) => e.seq));
  }
  return { forward, backward };
}

describe("audit reader", () => {
  it("pages through exactly the steward's entries, newest first, forward and back again", async () => {
    const { forward, backward } = await walk(EMPTY_FILTER, 17);
    expect(forward.flat()).toEqual(seeded.visibleToA);
    expect(forward.every((page, i) => page.length === 17 || i === forward.length - 1)).toBe(true);
    // Coming back page by page gives the same pages (the last one aligned to where the walk ended).
    expect(backward.flat().sort((a, b) => b - a)).toEqual(seeded.visibleToA);
    expect(new Set(backward.flat()).size).toBe(seeded.visibleToA.length);
    for (const seq of seeded.spaceBSeqs) expect(forward.flat()).not.toContain(seq);
  });

  it("never pages with OFFSET: every query is an ordered, limited index range, whatever the filter", () => {
    const texts: SqlQuery[] = [];
    for (const q of [null, "treasury"]) {
      const queries = auditPageQueries(
        { spaceIds: ["a", "b"] },
        { ...EMPTY_FILTER, action: "x", q },
        { min: 1, max: 9 },
        { before: 5 },
        50,
      );
      if (queries?.kind === "merged") texts.push(queries.query);
      if (queries?.kind === "search") {
        texts.push(
          ...queries.branches.flatMap((b) => [
            b.walk({ before: 5 }, 2_000, 50),
            b.windowEdge({ before: 5 }, 2_000),
            b.indexed({ before: 5 }, 50),
          ]),
        );
      }
    }
    expect(texts).toHaveLength(1 + 3 * 3);
    for (const query of texts) {
      expect(query.text).not.toMatch(/offset/i);
      expect(query.text).toMatch(/ORDER BY seq DESC LIMIT \$\d+/);
    }
  });

  it("finds the same matches whether a search walks the log or asks the text index", async () => {
    const rows = await t.db.prisma.auditEntry.findMany({ orderBy: { seq: "desc" } });
    const visible = rows.filter((r) => r.spaceId === seeded.spaceA || (r.spaceId === null && r.memberId === null));
    const expected = (word: string) => visible.filter((r) => r.canonical.includes(word)).map((r) => r.seq);
    // Tiny walks, so a small log reaches every path: a common word is found by walking, a rare one (after a walk
    // that finds nothing) through the index, and a middling one by walking further, then through the index.
    const tiny = createAuditReader({ sql: t.db.sql, walk: { first: 2, max: 30 } });
    for (const word of ["routine", "needle", "system.started", "decision.made", "proposal.ingested"]) {
      const all: number[] = [];
      let position: AuditPosition = null;
      for (;;) {
        const page = await tiny.page(scopeA(), { ...EMPTY_FILTER, q: word }, position, 7);
        all.push(...page.entries.map((e) => e.seq));
        if (page.older === null) break;
        position = { before: page.older };
      }
      expect(all).toEqual(expected(word === "routine" ? '"routine"' : word));
      expect(all.length).toBeGreaterThan(0);
    }
  });

  it("filters by action, proposal, member, time range and text, each as a bounded page", async () => {
    const all = (filter: Partial<AuditFilter>) =>
      walk({ ...EMPTY_FILTER, ...filter }, 25).then((w) => w.forward.flat());
    const rows = await t.db.prisma.auditEntry.findMany({ orderBy: { seq: "desc" } });
    const visible = rows.filter((r) => r.spaceId === seeded.spaceA || (r.spaceId === null && r.memberId === null));

    expect(await all({ action: "decision.made" })).toEqual(
      visible.filter((r) => r.action === "decision.made").map((r) => r.seq),
    );
    expect(await all({ proposalId: seeded.proposalA })).toEqual(
      visible.filter((r) => r.proposalId === seeded.proposalA).map((r) => r.seq),
    );
    expect(await all({ memberId: seeded.privateMember })).toEqual(
      visible.filter((r) => r.memberId === seeded.privateMember).map((r) => r.seq),
    );
    const from = new Date(seeded.start.getTime() + 20 * seeded.stepMs);
    const until = new Date(seeded.start.getTime() + 50 * seeded.stepMs);
    expect(await all({ from, until })).toEqual(visible.filter((r) => r.at >= from && r.at < until).map((r) => r.seq));
    expect(await all({ q: "needle-in" })).toEqual(
      visible.filter((r) => r.canonical.includes("needle-in-haystack")).map((r) => r.seq),
    );
    expect((await all({ q: "needle-in" })).length).toBe(1);
    // Words are all required, each as a prefix; tsquery syntax typed by a steward is just text.
    expect(await all({ q: "routine needle" })).toEqual([]);
    expect(await all({ q: "'); DROP TABLE x; -- & | !" })).toEqual(
      visible.filter((r) => /\bdrop\b|\btable\b/i.test(r.canonical)).map((r) => r.seq),
    );
    expect(await all({ spaceId: seeded.spaceB })).toEqual([]);
    expect(await all({ from: new Date("2030-01-01T00:00:00Z") })).toEqual([]);
  });

  it("streams every matching entry in batches, newest first", async () => {
    const seen: number[] = [];
    for await (const batch of reader.batches(scopeA(), EMPTY_FILTER, 40)) {
      expect(batch.length).toBeLessThanOrEqual(40);
      seen.push(...batch.map((e) => e.seq));
    }
    expect(seen).toEqual(seeded.visibleToA);
  });

  it("hides a private profile's details but shows a public one's", async () => {
    const page = await reader.page(scopeA(), { ...EMPTY_FILTER, action: "decision.made" }, null, 50);
    const shown = await showEntries(t.db.sql, page.entries);
    const priv = shown.filter((e) => e.memberId === seeded.privateMember);
    const pub = shown.filter((e) => e.memberId === seeded.publicMember);
    expect(priv.length).toBeGreaterThan(0);
    expect(pub.length).toBeGreaterThan(0);
    for (const entry of priv) {
      expect(entry.redacted).toBe(true);
      expect(entry.shown).not.toContain(PRIVATE_STATEMENT);
      expect(entry.shown).not.toContain('"treasury_prudence"');
      expect(entry.shown).toContain('"outcome": "vote"');
    }
    for (const entry of pub) {
      expect(entry.redacted).toBe(false);
      expect(entry.shown).toContain(PUBLIC_STATEMENT);
    }
    // An export keeps the exact hashed bytes of every row it does not redact.
    const exported = await showEntries(t.db.sql, page.entries, 0);
    for (const entry of exported) {
      if (!entry.redacted) expect(entry.shown).toBe(entry.canonical);
    }
  });

  it("lists the actions in the log", async () => {
    expect(await reader.actions()).toEqual(["decision.made", "digest.created", "proposal.ingested", "system.started"]);
  });
});
