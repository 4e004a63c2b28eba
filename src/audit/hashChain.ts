import { createHash } from "node:crypto";
import { canonicalJson } from "./canonicalJson.js";

/** The previous hash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** What an entry says, before it is placed in the chain. */
export interface AuditEvent {
  action: string;
  actor: string;
  spaceId?: string | null;
  proposalId?: string | null;
  memberId?: string | null;
  /** Any JSON: what happened, in enough detail to stand on its own. */
  data?: unknown;
}

/** An entry as stored: the event's columns plus its place in the chain. */
export interface ChainedEntry {
  seq: number;
  at: Date;
  action: string;
  actor: string;
  spaceId: string | null;
  proposalId: string | null;
  memberId: string | null;
  canonical: string;
  prevHash: string;
  hash: string;
}

/** sha256 over the previous hash and the canonical content, hex. */
export function entryHash(prevHash: string, canonical: string): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonical).digest("hex");
}

/** Places an event after `prev` (or first): the one way an entry is built, for appends and for checks alike. */
export function chainEntry(event: AuditEvent, at: Date, prev: { seq: number; hash: string } | null): ChainedEntry {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const columns = {
    seq,
    at,
    action: event.action,
    actor: event.actor,
    spaceId: event.spaceId ?? null,
    proposalId: event.proposalId ?? null,
    memberId: event.memberId ?? null,
  };
  const canonical = canonicalJson({ ...columns, at: at.toISOString(), data: event.data ?? null });
  return { ...columns, canonical, prevHash, hash: entryHash(prevHash, canonical) };
}

export type ChainVerdict =
  | { intact: true; count: number; lastSeq: number; lastHash: string }
  | { intact: false; count: number; brokenAt: number; reason: string };

/**
 * Checks entries in order, one at a time, so a chain of any length is verified in constant memory.
 * An entry breaks the chain if its position, link, hash, canonical form or columns disagree with what was hashed.
 */
export class ChainVerifier {
  private prev: { seq: number; hash: string } | null = null;
  private count = 0;
  private broken: { brokenAt: number; reason: string } | null = null;

  /** Feeds the next entry; returns false once the chain is broken (later entries are then ignored). */
  push(entry: ChainedEntry): boolean {
    if (this.broken) return false;
    const reason = this.check(entry);
    if (reason) {
      this.broken = { brokenAt: entry.seq, reason };
      return false;
    }
    this.prev = { seq: entry.seq, hash: entry.hash };
    this.count += 1;
    return true;
  }

  verdict(): ChainVerdict {
    if (this.broken) return { intact: false, count: this.count, ...this.broken };
    return { intact: true, count: this.count, lastSeq: this.prev?.seq ?? 0, lastHash: this.prev?.hash ?? GENESIS_HASH };
  }

  private check(entry: ChainedEntry): string | null {
    const expectedSeq = (this.prev?.seq ?? 0) + 1;
    if (entry.seq !== expectedSeq)
      return `expected entry ${expectedSeq} here, found ${entry.seq} (an entry is missing)`;
    const expectedPrev = this.prev?.hash ?? GENESIS_HASH;
    if (entry.prevHash !== expectedPrev) return "its previous hash does not match the entry before it";
    if (entryHash(entry.prevHash, entry.canonical) !== entry.hash) return "its content does not match its hash";
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(entry.canonical) as Record<string, unknown>;
    } catch {
      return "its canonical content is not JSON";
    }
    const rebuilt = chainEntry(
      {
        action: entry.action,
        actor: entry.actor,
        spaceId: entry.spaceId,
        proposalId: entry.proposalId,
        memberId: entry.memberId,
        data: parsed.data,
      },
      entry.at,
      this.prev,
    );
    if (rebuilt.canonical !== entry.canonical) return "its columns do not match its hashed content";
    return null;
  }
}
