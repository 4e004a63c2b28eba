import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { type MemberWord, wordOf } from "./memberOverride.js";

// Members' words on proposals, append-only: each /override or button press is a new row and an audit entry in one
// transaction; the newest row is the member's word. "auto" rows withdraw a word without deleting history.

export interface OverrideStore {
  /** Records a member's word; refused once the proposal has closed. */
  set(input: { memberId: string; proposalId: string; word: MemberWord; actor: string }): Promise<void>;
  /** The member's current word on the proposal, or null when their agent decides ("auto" or never said). */
  current(memberId: string, proposalId: string): Promise<MemberWord | null>;
  /** Current words of every member who said something on the proposal, by member id. */
  forProposal(proposalId: string): Promise<Map<string, MemberWord>>;
}

/** The proposal is closed: a word can no longer change anything. */
export class OverrideClosedError extends TribuneError {}

/** Builds the store. */
export function createOverrideStore({
  prisma,
  audit,
  clock = () => new Date(),
}: {
  prisma: PrismaClient;
  audit: AuditLog;
  clock?: () => Date;
}): OverrideStore {
  return {
    async set({ memberId, proposalId, word, actor }) {
      const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: proposalId } });
      if (proposal.endAt <= clock() || proposal.deletedAt) {
        throw new OverrideClosedError(
          "override.closed",
          `Voting on "${proposal.title.slice(0, 80)}" has ended`,
          "Words can only change open proposals",
        );
      }
      await prisma.$transaction(async (tx) => {
        await tx.override.create({
          data: { memberId, proposalId, choice: word.kind === "veto" ? Prisma.DbNull : word },
        });
        await audit.append(
          { action: "override.set", actor, memberId, proposalId, spaceId: proposal.spaceId, data: { word } },
          tx,
        );
      });
    },
    async current(memberId, proposalId) {
      const row = await prisma.override.findFirst({
        where: { memberId, proposalId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      return row ? wordOf(row.choice) : null;
    },
    async forProposal(proposalId) {
      const rows = await prisma.override.findMany({
        where: { proposalId },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      const words = new Map<string, MemberWord>();
      for (const row of rows) {
        const word = wordOf(row.choice);
        if (word) words.set(row.memberId, word);
        else words.delete(row.memberId);
      }
      return words;
    },
  };
}
