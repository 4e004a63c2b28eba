import { digestSchema } from "../../digest/digestSchema.js";
import { DEFAULT_TAXONOMY } from "../../values/taxonomy.js";
import { limitProblems, type PresentedMessage } from "./presentedMessage.js";
import type { DigestView, PlanMemberView, PlanView, ProfileView, ProposalView } from "./views.js";

// Views for the presenters' tests (and anyone previewing a message): realistic values, plus the hostile text a
// proposal author could write, so every test can check that none of it pings or formats.

/** Text that would ping, format or link if it reached Discord as it is. */
export const HOSTILE = "@everyone <@&123456789012345678> <@123456789012345678> **bold** [click](https://evil.example)";

/** The longest ids Tribune puts in custom ids: a uuid and a 20-digit snowflake. */
export const LONG_PROPOSAL_ID = "123e4567-e89b-12d3-a456-426614174000";
export const LONG_USER_ID = "18446744073709551615";

export const END_AT = new Date("2026-12-01T12:00:00Z");

/** A Snapshot proposal. */
export function proposalView(overrides: Partial<ProposalView> = {}): ProposalView {
  return {
    id: LONG_PROPOSAL_ID,
    title: "Fund the grants council for 2027",
    spaceName: "Example DAO",
    source: { kind: "snapshot", space: "example.eth", proposalId: "0xabc123" },
    choices: ["For", "Against", "Abstain"],
    votingType: "single-choice",
    author: "0x1234567890abcdef1234567890abcdef12345678",
    endAt: END_AT,
    discussionUrl: "https://forum.example.org/t/grants-council/42",
    ...overrides,
  };
}

/** A digest with a little of everything: money, risks, arguments from the proposal and the forum. */
export function digestView(overrides: Partial<DigestView> = {}): DigestView {
  return {
    content: digestSchema.parse({
      tldr: "Moves 250,000 USDC from the treasury to a five-member grants council for 2027.",
      whatChanges: ["Creates a grants council of five members", "Council reports quarterly"],
      money: [
        {
          amount: "250,000",
          token: "USDC",
          recipient: "Grants council multisig",
          direction: "outflow",
          usdEstimate: 250_000,
        },
      ],
      risks: ["The council could fund low-value projects"],
      arguments: {
        for: [
          {
            claim: "Grants bring new builders",
            evidence: { quote: "the last round onboarded 40 teams", source: { kind: "proposal" } },
          },
        ],
        against: [
          {
            claim: "Too expensive for one year",
            evidence: {
              quote: "250k is more than the whole 2026 budget",
              source: { kind: "forum", url: "https://forum.example.org/t/grants-council/42/7", author: "alice" },
            },
          },
        ],
      },
      impacts: [],
      confidence: 0.8,
      whatWouldChange: "A budget for the council's operations",
      category: "grant",
      extractive: false,
    }),
    assessment: { confidence: 0.78, flagged: false, unreliable: false },
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    promptVersion: "digest-v3",
    screen: [],
    evidenceCheck: { claims: 6, failures: 0 },
    ...overrides,
  };
}

/** A public member voting For with 1,500 tokens of 18 decimals. */
export function memberView(overrides: Partial<PlanMemberView> = {}): PlanMemberView {
  return {
    discordUserId: "111111111111111111",
    privacy: "public",
    votingPower: "1500000000000000000000",
    outcome: "vote",
    choice: 1,
    line: 'Vote "For" mainly for public goods and community.',
    override: null,
    ...overrides,
  };
}

/** A personal-mode plan, live, window open until an hour before the end. */
export function planView(overrides: Partial<PlanView> = {}): PlanView {
  return {
    proposal: proposalView(),
    mode: "live",
    paused: false,
    votingMode: "personal",
    castsAt: new Date(END_AT.getTime() - 3_600_000),
    vetoWindowSeconds: 86_400,
    windowShrunk: false,
    power: { decimals: 18, symbol: "EXA" },
    members: [memberView()],
    pooled: null,
    ...overrides,
  };
}

/** A compiled, unconfirmed profile. */
export function profileView(overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    spaceId: LONG_PROPOSAL_ID,
    spaceName: "Example DAO",
    discordUserId: LONG_USER_ID,
    version: 3,
    weights: { treasury_prudence: 5, public_goods_community: 2 },
    rules: {
      rules: [{ id: "big-spend", when: [{ kind: "treasury_outflow_above", usd: 1_000_000 }], action: { kind: "ask" } }],
      whenUnsure: "ask",
    },
    privacy: "private",
    because: { treasury_prudence: ["spend carefully"] },
    compiledBy: "offline@lexicon-1",
    confirmedAt: null,
    taxonomy: DEFAULT_TAXONOMY,
    ...overrides,
  };
}

/** Throws with the broken limits when a message would be refused by Discord. */
export function expectWithinLimits(messages: readonly PresentedMessage[]): void {
  messages.forEach((message, i) => {
    const problems = limitProblems(message);
    if (problems.length > 0) throw new Error(`message ${i}: ${problems.join("; ")}`);
  });
}

/** Everything a message shows, as one string, to search in. */
export function allText(messages: readonly PresentedMessage[]): string {
  return messages
    .map((m) =>
      [
        m.content,
        ...m.embeds.flatMap((e) => [
          e.title ?? "",
          e.url ?? "",
          e.description ?? "",
          ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
          e.footer?.text ?? "",
        ]),
      ].join("\n"),
    )
    .join("\n");
}
