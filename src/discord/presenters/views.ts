import type { DigestFindings } from "../../digest/digestFindings.js";
import type { DigestAssessment, DigestContent, Impact } from "../../digest/digestSchema.js";
import type { Decision, DecisionOutcome } from "../../values/decideVote.js";
import type { DescribedProfile } from "../../values/describeProfile.js";
import type { HardRule } from "../../values/hardRules.js";
import type { PooledVote } from "../../values/poolDecisions.js";
import type { Taxonomy } from "../../values/taxonomy.js";
import type { Privacy } from "../../values/valueProfile.js";
import type { SnapshotChoice, VotingType } from "../../values/votingTypes.js";

// What the presenters read: plain data a loader fills from the database (strings, numbers, Dates, arrays, records).
// No presenter reads anything else, so each one is a pure function of these and can be tested from literals.

/** Where a proposal lives, which decides its link and its receipts' links. */
export type ProposalSourceView =
  /** Linked as https://snapshot.box/#/s:<space>/proposal/<proposalId>. */
  | { kind: "snapshot"; space: string; proposalId: string }
  /** A Governor proposal: `url` is its page (e.g. on Tally) when one is known. */
  | { kind: "governor"; chainId: number; proposalId: string; url: string | null };

/** A proposal as every thread message shows it. */
export interface ProposalView {
  /** Tribune's own id (Proposal.id), which buttons carry. */
  id: string;
  title: string;
  spaceName: string;
  source: ProposalSourceView;
  choices: string[];
  votingType: VotingType;
  author: string | null;
  endAt: Date;
  discussionUrl: string | null;
}

/** A digest row as the thread's opening message shows it. */
export interface DigestView {
  content: DigestContent;
  assessment: DigestAssessment;
  /** "anthropic", "local" or "offline". */
  provider: string;
  model: string;
  promptVersion: string;
  /** Where the injection screen found instruction-like text (Digest.findings.screen); empty when nowhere. */
  screen: Pick<DigestFindings["screen"][number], "family" | "source">[];
  /** The evidence check's tally (Digest.findings); null when not recorded. */
  evidenceCheck: { claims: number; failures: number } | null;
}

/** A member as a public thread may show them: a private member is never named, only "a delegator". */
export interface MemberRef {
  discordUserId: string;
  privacy: Privacy;
}

/** The member's own word on a proposal, which beats their decision (see src/voting/memberOverride.ts). */
export type OverrideView =
  | { kind: "veto" }
  /** The ballot the member's word becomes (an abstain on a ballot with an Abstain choice is that choice). */
  | { kind: "choice"; choice: SnapshotChoice }
  /** "Abstain" on a ballot without an abstain choice: nothing is cast. */
  | { kind: "abstain" }
  /** The member voted themselves (seen on the hub or the chain): Tribune never votes for them. */
  | { kind: "own_vote" };

/** How voting power reads: decimal strings in raw units with `decimals` (18 for most ERC20Votes, 0 for Snapshot). */
export interface PowerUnit {
  decimals: number;
  symbol: string | null;
}

/** One member's line in "How Tribune will vote". */
export interface PlanMemberView extends MemberRef {
  /** Power delegated to the member's agent (or, pooled, from the member); null when no delegation was detected. */
  votingPower: string | null;
  outcome: DecisionOutcome;
  /** The decision's ballot (Decision.choice). */
  choice: SnapshotChoice | null;
  /** The explanation's line (Explanation.line): shown for public members only. */
  line: string;
  override: OverrideView | null;
}

/** "How Tribune will vote" on one proposal. */
export interface PlanView {
  proposal: ProposalView;
  mode: "dry_run" | "live";
  /** A steward paused casting (the "casting" switch): nothing is cast until it resumes. */
  paused: boolean;
  votingMode: "personal" | "pooled";
  /** When the planned votes are cast: the end of the veto window. */
  castsAt: Date;
  /** The space's veto window, in seconds. */
  vetoWindowSeconds: number;
  /** The proposal ends too soon for a full window, so castsAt was brought forward. */
  windowShrunk: boolean;
  power: PowerUnit;
  members: PlanMemberView[];
  /** Pooled mode: the combined vote (poolDecisions' result, without the per-member part); null in personal mode. */
  pooled: Omit<PooledVote, "contributions"> | null;
}

/** Who a cast voted for. */
export type VoterView = { kind: "member"; member: MemberRef } | { kind: "pooled" };

/** What became of one planned vote. */
export type CastResultView =
  | { kind: "snapshot"; voteId: string; ipfsHash: string | null }
  | { kind: "governor"; chainId: number; txHash: string }
  /** Dry-run: what would have been sent. */
  | { kind: "dry_run" }
  /** `reason` is a code (see receiptMessage.ts for the ones with words); `detail` what the hub or chain said. */
  | { kind: "failed"; reason: string; detail: string | null }
  | { kind: "skipped"; reason: string; detail: string | null };

/** A cast's receipt, posted to the thread. */
export interface ReceiptView {
  proposal: ProposalView;
  voter: VoterView;
  choice: SnapshotChoice | null;
  /** The vote's on-record reason (Cast.reason). */
  reason: string | null;
  result: CastResultView;
  at: Date;
  /** The audit entry's hash, which the on-record reason also carries. */
  auditHash: string | null;
}

/** One settled vote in the thread's receipts message. */
export interface ReceiptEntryView {
  voter: VoterView;
  /** The ballot as stored (Cast.choice): a Snapshot choice, or a Governor's `{ fractional: {…} }` split. */
  choice: SnapshotChoice | { fractional: Record<string, string> } | null;
  result: CastResultView;
  /** When it settled. */
  at: Date;
}

/** A pooled vote's members who were not in it, and why (a skip code, see receiptMessage.ts). */
export interface PoolReceiptView {
  /** Members whose ballot counted in the pooled vote. */
  counted: number;
  leftOut: { member: MemberRef | null; why: string }[];
}

/** "Receipts": every settled vote of a proposal, in one message kind that is edited as more settle. */
export interface ReceiptsView {
  proposal: ProposalView;
  power: PowerUnit;
  /** Personal votes, oldest settled first; the pooled delegate's vote, if any, with its pool. */
  entries: ReceiptEntryView[];
  pool: PoolReceiptView | null;
}

/** Why a member must act before the end. */
export type ReminderNeed = "answer" | "delegate";

/** The reminder before a proposal ends. */
export interface ReminderView {
  proposal: ProposalView;
  /** Only the members who must act: an "ask me" decision, or no delegation detected. */
  members: { member: MemberRef; need: ReminderNeed }[];
}

/** A compiled profile shown back to its member for confirmation. */
export interface ProfileView extends DescribedProfile {
  spaceId: string;
  spaceName: string;
  discordUserId: string;
  version: number;
  compiledBy: string;
  confirmedAt: Date | null;
  taxonomy: Taxonomy;
}

/** A member's own decision, for /why and /preview. */
export interface DecisionView {
  purpose: "why" | "preview";
  proposal: ProposalView;
  decision: Pick<
    Decision,
    "outcome" | "choice" | "utilities" | "contributions" | "rulesFired" | "reasons" | "decidedBy" | "confidence"
  > & {
    /** Explanation.paragraph. */
    paragraph: string;
    profileVersion: number;
  };
  taxonomy: Taxonomy;
  /** The member's rules, to name a fired rule in full; a rule not found is named by its action. */
  rules: HardRule[];
  /** The digest's impacts: the evidence behind the deciding values. */
  impacts: Impact[];
  override: OverrideView | null;
  /** When the vote is cast; null before it is announced (a preview). */
  castsAt: Date | null;
  mode: "dry_run" | "live";
  paused: boolean;
}
