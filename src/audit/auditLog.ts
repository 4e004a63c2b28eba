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
  /** Recomputes the whole chain from the first entry; names the first broken link, if any. */
  verify(): Promise<ChainVerdict>;
  /** The newest entry, or null for an empty log. */
  head(): Promise<ChainedEntry | null>;
}

/** Builds the audit log over Prisma (PostgreSQL or embedded alike). */
export function createAuditLog({ prisma, clock = () => new Date() }: AuditLogOptions): AuditLog {
  async function appendIn(tx: Prisma.TransactionClient, event: AuditEvent): Promise<ChainedEntry> {
    // Without the lock two writers could read the same head; the unique prevHash would then refuse one of them,
    // but the lock makes them wait their turn instead of failing.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
    const prev = await tx.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    const entry = chainEntry(event, clock(), prev);
    await tx.auditEntry.create({ data: entry });
    return entry;
  }

  return {
    append(event, tx) {
      if (tx) return appendIn(tx, event);
      // Appends queue on the lock; generous waits keep a burst of writers from timing out in Prisma's defaults.
      return prisma.$transaction((t) => appendIn(t, event), { maxWait: 60_000, timeout: 60_000 });
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
