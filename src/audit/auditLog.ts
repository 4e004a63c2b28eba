import type { SqlRunner } from "../db/sqlRunner.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { type AuditEvent, type ChainedEntry, type ChainVerdict, ChainVerifier, chainEntry } from "./hashChain.js";

/** Key of the PostgreSQL advisory lock that serialises appends across every process sharing the database. */
const APPEND_LOCK_KEY = 7_283_901;
const VERIFY_PAGE = 1_000;

export interface AuditLogOptions {
  prisma: PrismaClient;
  clock?: () => Date;
}

/** The hash-chained, append-only audit log. Every action Tribune takes is one `append`. */
export interface AuditLog {
  /**
   * Appends one entry. Pass `tx` to make the entry part of the caller's transaction (a state change and its audit
   * entry commit together); the chain lock is then held until that transaction ends, so append last.
   */
  append(event: AuditEvent, tx?: Prisma.TransactionClient): Promise<ChainedEntry>;
  /** Appends several entries in order under one lock and one insert: for batches (a decision per member). */
  appendMany(events: readonly AuditEvent[], tx?: Prisma.TransactionClient): Promise<ChainedEntry[]>;
  /**
   * The same, inside a transaction of the raw SQL runner (`SqlRunner.transaction`): for hot paths that do the rest
   * of their transaction in raw SQL too (the casting outbox's group commit).
   */
  appendManyWith(sql: SqlRunner, events: readonly AuditEvent[]): Promise<ChainedEntry[]>;
  /** Recomputes the whole chain from the first entry; names the first broken link, if any. */
  verify(): Promise<ChainVerdict>;
  /** The newest entry, or null for an empty log. */
  head(): Promise<ChainedEntry | null>;
}

/** Builds the audit log over Prisma (PostgreSQL or embedded alike). */
export function createAuditLog({ prisma, clock = () => new Date() }: AuditLogOptions): AuditLog {
  async function appendIn(tx: RawStatements, events: readonly AuditEvent[]): Promise<ChainedEntry[]> {
    // Without the lock two writers could read the same head; the unique prevHash would then refuse one of them,
    // but the lock makes them wait their turn instead of failing.
    await tx.run(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`, []);
    // Raw statements, fixed in shape whatever the batch's size: appends are on the path of every vote and decision,
    // and the ORM's head read and multi-row insert cost several times as much CPU (see bench/snapshotCast.ts).
    const [head] = await tx.rows<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM "AuditEntry" ORDER BY seq DESC LIMIT 1`,
      [],
    );
    let prev: { seq: number; hash: string } | null = head ? { seq: Number(head.seq), hash: head.hash } : null;
    const at = clock();
    const entries = events.map((event) => {
      const entry = chainEntry(event, at, prev);
      prev = entry;
      return entry;
    });
    // `at` goes as ISO text into a timestamp(3) in UTC, as the ORM stores a DateTime: verify() re-reads it exactly.
    const rows = JSON.stringify(entries.map((entry) => ({ ...entry, at: entry.at.toISOString() })));
    await tx.run(
      `INSERT INTO "AuditEntry" (seq, at, action, actor, "spaceId", "proposalId", "memberId", canonical, "prevHash", hash)
       SELECT e.seq, (e.at::timestamptz AT TIME ZONE 'UTC'), e.action, e.actor, e."spaceId", e."proposalId",
              e."memberId", e.canonical, e."prevHash", e.hash
       FROM jsonb_to_recordset($1::jsonb) AS e(seq int, at text, action text, actor text, "spaceId" text,
            "proposalId" text, "memberId" text, canonical text, "prevHash" text, hash text)
       ORDER BY e.seq`,
      [rows],
    );
    return entries;
  }

  function run(events: readonly AuditEvent[], tx?: Prisma.TransactionClient): Promise<ChainedEntry[]> {
    if (events.length === 0) return Promise.resolve([]);
    if (tx) return appendIn(prismaStatements(tx), events);
    // Appends queue on the lock; generous waits keep a burst of writers from timing out in Prisma's defaults.
    return prisma.$transaction((t) => appendIn(prismaStatements(t), events), { maxWait: 60_000, timeout: 60_000 });
  }

  return {
    async append(event, tx) {
      const [entry] = await run([event], tx);
      return entry as ChainedEntry;
    },

    appendMany: run,

    async appendManyWith(sql, events) {
      return events.length === 0 ? [] : appendIn(runnerStatements(sql), events);
    },

    async verify() {
      const verifier = new ChainVerifier();
      let after = 0;
      for (;;) {
        // Keyset paging on seq: constant memory and no OFFSET scans, however long the log.
        const page = await prisma.auditEntry.findMany({
          where: { seq: { gt: after } },
          orderBy: { seq: "asc" },
          take: VERIFY_PAGE,
        });
        for (const entry of page) {
          if (!verifier.push(entry)) return verifier.verdict();
        }
        if (page.length < VERIFY_PAGE) return verifier.verdict();
        after = page[page.length - 1]?.seq ?? after;
      }
    },

    head() {
      return prisma.auditEntry.findFirst({ orderBy: { seq: "desc" } });
    },
  };
}

/** The raw statements an append makes (`$1…` parameters), from a Prisma transaction or the raw runner alike. */
interface RawStatements {
  run(text: string, values: readonly unknown[]): Promise<void>;
  rows<Row>(text: string, values: readonly unknown[]): Promise<Row[]>;
}

function prismaStatements(tx: Prisma.TransactionClient): RawStatements {
  return {
    run: async (text, values) => {
      await tx.$executeRawUnsafe(text, ...values);
    },
    rows: (text, values) => tx.$queryRawUnsafe(text, ...values),
  };
}

function runnerStatements(sql: SqlRunner): RawStatements {
  return {
    run: async (text, values) => {
      await sql.query(text, values);
    },
    rows: async <Row>(text: string, values: readonly unknown[]) => (await sql.query<Row>(text, values)).rows,
  };
}
