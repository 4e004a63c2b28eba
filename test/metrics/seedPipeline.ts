// Rows of every pipeline stage with known timings, for the metrics tests: two spaces (Snapshot and Governor), three
// proposals, digests at known delays, LLM calls, decisions of each kind and casts in several states.

import type { SqlRunner } from "../../src/db/sqlRunner.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { DEFAULT_TAXONOMY } from "../../src/values/taxonomy.js";

export const SNAPSHOT_SPACE = "alpha.eth";
export const GOVERNOR_SPACE = "1:0x00000000000000000000000000000000000000aa";

/** What the seed wrote, for the tests' expectations. */
export interface Seeded {
  /** The seed's reference time (epoch ms): every timestamp is an offset from it. */
  at: number;
}

const SECOND = 1_000;
/** Prisma's DateTime columns hold UTC without a zone: an ISO instant is converted so, whatever the session's zone. */
const UTC = "($1::timestamptz AT TIME ZONE 'UTC')";

/** Writes the rows; timestamps are relative to `at` so ages can be checked against a clock the test holds. */
export async function seedPipeline(prisma: PrismaClient, sql: SqlRunner, at: number): Promise<Seeded> {
  const when = (offsetSeconds: number) => new Date(at + offsetSeconds * SECOND);
  const snapshot = await prisma.space.create({
    data: { kind: "snapshot", externalId: SNAPSHOT_SPACE, name: "Alpha", taxonomy: DEFAULT_TAXONOMY },
  });
  const governor = await prisma.space.create({
    data: { kind: "governor", externalId: GOVERNOR_SPACE, name: "Gov", chainId: 1, taxonomy: DEFAULT_TAXONOMY },
  });
  // A space no watcher has read yet (no backfill mark) has no lag to report.
  await prisma.space.create({
    data: { kind: "snapshot", externalId: "unread.eth", name: "Unread", taxonomy: DEFAULT_TAXONOMY },
  });
  // A removed space is no longer watched: it must not report a lag.
  await prisma.space.create({
    data: { kind: "snapshot", externalId: "gone.eth", name: "Gone", taxonomy: DEFAULT_TAXONOMY, removedAt: when(-10) },
  });

  const proposal = async (spaceId: string, source: "snapshot" | "governor", n: number, seenAt: Date) => {
    const row = await prisma.proposal.create({
      data: {
        spaceId,
        source,
        externalId: `p-${n}`,
        title: `Proposal ${n}`,
        body: "Body",
        choices: ["For", "Against"],
        votingType: source === "snapshot" ? "single_choice" : "basic",
        startAt: when(-3_600),
        endAt: when(3_600),
        state: "active",
        contentHash: `hash-${n}`,
        firstSeenAt: seenAt,
      },
    });
    const version = await prisma.proposalVersion.create({
      data: { proposalId: row.id, version: 1, contentHash: `hash-${n}`, title: row.title, body: "Body", choices: [] },
    });
    // seenAt set by hand: the digest latency is measured from it.
    await sql.query(`UPDATE "ProposalVersion" SET "seenAt" = ${UTC} WHERE id = $2`, [seenAt.toISOString(), version.id]);
    return { proposalId: row.id, versionId: version.id, seenAt };
  };
  const p1 = await proposal(snapshot.id, "snapshot", 1, when(-600));
  const p2 = await proposal(snapshot.id, "snapshot", 2, when(-300));
  const p3 = await proposal(governor.id, "governor", 3, when(-200));

  const digest = async (
    p: { proposalId: string; versionId: string; seenAt: Date },
    delaySeconds: number,
    extra: { model?: string; costUsd?: number; flagged?: boolean; promptVersion?: string },
  ) =>
    prisma.digest.create({
      data: {
        proposalId: p.proposalId,
        proposalVersionId: p.versionId,
        contentHash: "h",
        promptVersion: extra.promptVersion ?? "digest/v1",
        provider: "anthropic",
        model: extra.model ?? "claude-sonnet-5-5",
        taxonomyVersion: 1,
        content: {},
        confidence: 0.8,
        flagged: extra.flagged ?? false,
        costUsd: extra.costUsd ?? 0,
        createdAt: new Date(p.seenAt.getTime() + delaySeconds * SECOND),
      },
    });
  // Latencies 3 s and 100 s; p1's second digest (a new prompt, much later) must not count as latency.
  const d1 = await digest(p1, 3, { costUsd: 0.01 });
  await digest(p1, 5_000, { costUsd: 0.02, promptVersion: "digest/v2" });
  const d2 = await digest(p2, 100, { costUsd: 0.005, flagged: true });

  await prisma.llmCall.createMany({
    data: [
      {
        purpose: "digest",
        provider: "anthropic",
        model: "claude-sonnet-5-5",
        promptVersion: "v1",
        costUsd: 0.01,
        inputTokens: 1000,
        outputTokens: 200,
      },
      {
        purpose: "digest",
        provider: "anthropic",
        model: "claude-sonnet-5-5",
        promptVersion: "v1",
        costUsd: 0.02,
        inputTokens: 500,
        outputTokens: 100,
      },
      {
        purpose: "digest",
        provider: "anthropic",
        model: "claude-sonnet-5-5",
        promptVersion: "v1",
        costUsd: 0.003,
        inputTokens: 300,
        failure: "max_tokens",
      },
      {
        purpose: "profile",
        provider: "anthropic",
        model: "claude-haiku",
        promptVersion: "v1",
        costUsd: 0.001,
        inputTokens: 50,
      },
    ],
  });

  const members = await Promise.all(
    [0, 1, 2].map((i) =>
      prisma.member.create({
        data: { discordUserId: `u${i}`, agentIndex: i, agentAddress: `0x${String(i).padStart(40, "0")}` },
      }),
    ),
  );
  const profiles = await Promise.all(
    members.map((m) =>
      prisma.valueProfile.create({
        data: {
          memberId: m.id,
          spaceId: snapshot.id,
          version: 1,
          statement: "s",
          weights: {},
          rules: [],
          taxonomyVersion: 1,
          compiledBy: "test",
        },
      }),
    ),
  );
  const decision = (
    i: number,
    digestId: string,
    proposalId: string,
    outcome: "vote" | "abstain" | "ask",
    stale = false,
  ) =>
    prisma.decision.create({
      data: {
        proposalId,
        memberId: members[i]?.id as string,
        digestId,
        profileId: profiles[i]?.id as string,
        taxonomyVersion: 1,
        outcome,
        utilities: {},
        contributions: {},
        rulesFired: [],
        explanation: {},
        staleAt: stale ? when(-1) : null,
      },
    });
  // votes: 3 made, 2 current (one superseded); abstain 1; ask 1; never 0.
  await decision(0, d1.id, p1.proposalId, "vote", true);
  await decision(1, d1.id, p1.proposalId, "vote");
  await decision(2, d1.id, p1.proposalId, "abstain");
  await decision(0, d2.id, p2.proposalId, "vote");
  await decision(1, d2.id, p2.proposalId, "ask");

  const cast = (proposalId: string, n: number, state: "due" | "confirmed" | "planned", dryRun: boolean, dueAt?: Date) =>
    prisma.cast.create({
      data: { proposalId, spaceId: snapshot.id, voterAddress: `0xv${n}`, state, dryRun, dueAt: dueAt ?? null },
    });
  await cast(p1.proposalId, 1, "due", false, when(-120));
  await cast(p1.proposalId, 2, "due", false, when(-30));
  await cast(p1.proposalId, 3, "confirmed", false);
  await cast(p2.proposalId, 4, "planned", true);
  void p3;

  // The Snapshot feed last advanced 40 s ago and alpha.eth is backfilled; the Governor's cursor moved 75 s ago.
  await prisma.sourceCursor.createMany({
    data: [
      { source: "snapshot", key: "feed", cursor: { mci: 1, timestamp: 1, waiting: [] } },
      { source: "snapshot.space", key: SNAPSHOT_SPACE, cursor: { backfilledAt: when(-500).toISOString(), mci: 1 } },
      { source: "governor", key: GOVERNOR_SPACE, cursor: { next: "10", checkpoint: null } },
    ],
  });
  await sql.query(`UPDATE "SourceCursor" SET "updatedAt" = ${UTC} WHERE source = 'snapshot'`, [
    when(-40).toISOString(),
  ]);
  await sql.query(`UPDATE "SourceCursor" SET "updatedAt" = ${UTC} WHERE source = 'governor'`, [
    when(-75).toISOString(),
  ]);
  return { at };
}
