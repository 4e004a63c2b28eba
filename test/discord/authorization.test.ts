// Who may do what, as a table: every slash command (each subcommand of /space and /profile too) and every button and
// modal, for a member with a profile (ALICE), another member (BOB), a steward (SAM), someone in the server who never
// used Tribune (NEWCOMER) and a server manager without the steward role (MANAGER: Discord shows them the steward
// commands, Tribune must refuse). Each cell is run through the REAL discord.js client and the fake Discord, and its
// effect on the database is checked: a refusal writes nothing; an allowed action writes exactly its audit entries,
// and never a row that belongs to another member.
//
// Rows run in order and some change what later rows see (a steward's /space add, a member's vote): the table reads
// top to bottom. SAM, NEWCOMER and MANAGER stay outside Tribune until /delegate makes them members, near the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Proposal, Space } from "../../src/generated/prisma/client.js";
import type { InteractionRun, MessageView } from "../fakes/discord/fakeDiscord.js";
import { auditSince, pictureOf, rowChanges } from "./dbEffects.js";
import {
  decide,
  digestedProposal,
  followSpace,
  memberWithProfile,
  planIn,
  submitStatement,
  text,
} from "./discordFixtures.js";
import {
  ALICE,
  BOB,
  CHANNEL,
  type DiscordHarness,
  GUILD,
  MANAGER,
  NEWCOMER,
  SAM,
  spaceId,
  startDiscordHarness,
} from "./discordHarness.js";

const ACTORS = { ALICE, BOB, SAM, NEWCOMER, MANAGER } as const;
type ActorName = keyof typeof ACTORS;

/** What an actor gets. */
type Cell =
  /** Told no, ephemerally, and nothing is written. */
  | { kind: "refused"; says: RegExp }
  /** A form opens, for the actor only (its custom id names them). */
  | { kind: "modal" }
  /** An answer; `audit` lists exactly the entries it appends (decisions re-made for the actor aside). */
  | { kind: "answer"; says: RegExp; ephemeral: boolean; audit: readonly string[] };

type Cells = Record<ActorName, Cell>;

const STEWARDS_ONLY = /is for stewards/;
const NOT_SET_UP = /You have not set up Tribune yet/;
const NOT_YOURS = /This belongs to another member/;

const refused = (says: RegExp): Cell => ({ kind: "refused", says });
const modal: Cell = { kind: "modal" };
/** A personal answer: only the actor sees it. */
const mine = (says: RegExp, audit: readonly string[] = []): Cell => ({ kind: "answer", says, ephemeral: true, audit });
/** A steward's answer, shown in the channel. */
const announced = (says: RegExp, audit: readonly string[] = []): Cell => ({
  kind: "answer",
  says,
  ephemeral: false,
  audit,
});

const everyone = (cell: Cell): Cells => ({ ALICE: cell, BOB: cell, SAM: cell, NEWCOMER: cell, MANAGER: cell });
/** Only SAM; everybody else, the server manager included, is refused by Tribune itself. */
const stewardsOnly = (cell: Cell): Cells => ({ ...everyone(refused(STEWARDS_ONLY)), SAM: cell });
/** Members act on their own rows; the others have none yet. */
const membersOnly = (alice: Cell, bob: Cell = alice, others: Cell = refused(NOT_SET_UP)): Cells => ({
  ...everyone(others),
  ALICE: alice,
  BOB: bob,
});
/** A button or form carrying ALICE's id: hers alone. */
const alicesOnly = (cell: Cell): Cells => ({ ...everyone(refused(NOT_YOURS)), ALICE: cell });

/** A member's edit of their own profile: a new version, unconfirmed until they confirm it; others have none to edit. */
const PROFILE_EDITED = membersOnly(
  mine(/Not confirmed yet/, ["profile.edited"]),
  mine(/Not confirmed yet/, ["profile.edited"]),
  mine(/You have no values/),
);

/** What a row's setup leaves for the cell to act on. */
interface Target {
  channelId: string;
  messageId: string;
  customId: string;
  /** Pressed on a message shown to someone else: only a crafted interaction can do that. */
  forged: boolean;
  /** The message's earlier versions when it was made (a deferred answer has one: its "thinking…"). */
  versionsBefore: number;
}

interface Row {
  label: string;
  cells: Cells;
  /** Setup before each cell (not counted as the actor's doing). */
  prepare?: (actor: string) => Promise<Target>;
  start: (actor: string, target: Target | undefined) => InteractionRun;
  /** More checks on an allowed answer. */
  check?: (actor: string, reply: MessageView, target: Target | undefined) => void | Promise<void>;
}

let h: DiscordHarness;
let space: Space;
/** A second followed space for the stewards' settings, so the first keeps its proposal's thread as it is. */
let settings: Space;
let spare: Space;
let proposal: Proposal;
let threadId = "";
let planId = "";
const NEW_SPACE = spaceId();
const ALICE_SAYS = "Treasury prudence above all: never waste the DAO's money.";
const BOB_SAYS = "Public goods matter most: fund open-source tooling and research.";

const slash =
  (
    name: string,
    rest: { subcommand?: string; subcommandGroup?: string; options?: () => Record<string, string | number> } = {},
  ) =>
  (actor: string) =>
    h.discord.slashCommand({
      guildId: GUILD,
      channelId: CHANNEL,
      userId: actor,
      name,
      subcommand: rest.subcommand,
      subcommandGroup: rest.subcommandGroup,
      options: rest.options?.(),
    });

/** A button on the proposal's plan in its thread. */
const planButton = (action: string) => (actor: string) =>
  h.discord.button({
    guildId: GUILD,
    channelId: threadId,
    userId: actor,
    messageId: planId,
    customId: `vote:${action}:${proposal.id}`,
  });

const press = (actor: string, target: Target | undefined) => {
  if (!target) throw new Error("this row needs a target");
  return h.discord.button({ guildId: GUILD, userId: actor, ...target });
};

/** ALICE's own ephemeral message with the buttons a row presses, made fresh for each cell. */
async function alicesMessage(run: InteractionRun, customId: RegExp, actor: string): Promise<Target> {
  const reply = await run.finalReply();
  const found = JSON.stringify(reply.components).match(customId)?.[0];
  if (!found) throw new Error(`ALICE's message has no button ${customId}: ${JSON.stringify(reply.components)}`);
  return {
    channelId: reply.channelId,
    messageId: reply.id,
    customId: found,
    forged: actor !== ALICE,
    versionsBefore: reply.history.length,
  };
}

let weightTurn = 0;
/** ALICE edits a weight, so her newest profile is unconfirmed and shown with an enabled Confirm button. */
const alicesDraft = (actor: string) =>
  alicesMessage(
    slash("profile", {
      subcommand: "weights",
      options: () => ({ space: space.externalId, value: "security_risk", weight: (weightTurn++ % 5) + 1 }),
    })(ALICE),
    /profile:confirm:[^"]+/,
    actor,
  );

const proposalOption = () => ({ proposal: proposal.id });
const spaceOption = () => ({ space: space.externalId });
const settingsOption =
  (more: Record<string, string> = {}) =>
  () => ({ space: settings.externalId, ...more });

async function memberOf(actor: string) {
  return h.db.prisma.member.findUnique({ where: { discordUserId: actor } });
}

/** The table. Each row is one command, subcommand, button or modal; each column one kind of person. */
const MATRIX: Row[] = [
  { label: "/proposals", cells: everyone(mine(/Fund the grants council/)), start: slash("proposals") },
  {
    label: "/summary",
    cells: everyone(mine(/Funds a grants program/)),
    start: slash("summary", { options: proposalOption }),
  },
  {
    label: "/preview (nothing stored)",
    cells: membersOnly(mine(/Preview: how your agent would vote/)),
    start: slash("preview", { options: proposalOption }),
  },
  {
    label: "/why",
    cells: membersOnly(mine(/Your vote on[\s\S]*Against/), mine(/Your vote on[\s\S]*For/)),
    start: slash("why", { options: proposalOption }),
  },
  {
    label: "/profile set",
    cells: everyone(modal),
    start: slash("profile", { subcommand: "set", options: spaceOption }),
  },
  {
    label: "/profile show",
    cells: membersOnly(mine(/Your values in/), mine(/Your values in/), mine(/You have no values/)),
    start: slash("profile", { subcommand: "show", options: spaceOption }),
    check: ownButtonsOnly,
  },
  {
    label: "/profile weights",
    cells: PROFILE_EDITED,
    start: slash("profile", {
      subcommand: "weights",
      options: () => ({ space: space.externalId, value: "public_goods_community", weight: 3 }),
    }),
    check: ownButtonsOnly,
  },
  {
    label: "/profile rules",
    cells: PROFILE_EDITED,
    start: slash("profile", {
      subcommand: "rules",
      options: () => ({ space: space.externalId, when_unsure: "abstain" }),
    }),
    check: ownButtonsOnly,
  },
  {
    label: "/profile privacy",
    cells: membersOnly(
      mine(/Your values in/, ["profile.edited"]),
      mine(/Your values in/, ["profile.edited"]),
      mine(/You have no values/),
    ),
    start: slash("profile", { subcommand: "privacy", options: () => ({ space: space.externalId, setting: "public" }) }),
    check: ownButtonsOnly,
  },
  {
    label: "button vote:why (on the plan)",
    cells: membersOnly(mine(/Your vote on[\s\S]*Against/), mine(/Your vote on[\s\S]*For/)),
    start: planButton("why"),
  },
  {
    label: "button vote:change (on the plan)",
    cells: membersOnly(mine(/How should Tribune vote for you/)),
    start: planButton("change"),
  },
  {
    label: "button vote:set (on ALICE's vote:change answer; anyone else's press is forged)",
    cells: membersOnly(mine(/Done: Tribune will vote "For"/, ["override.set"])),
    prepare: (actor) => alicesMessage(planButton("change")(ALICE), /vote:set:[^":]+:1/, actor),
    start: press,
    check: alicesMessageUntouched,
  },
  {
    label: "button vote:veto (on the plan)",
    cells: membersOnly(mine(/will not vote for you/, ["override.set"])),
    start: planButton("veto"),
  },
  {
    label: "modal profile:statement naming ALICE",
    cells: alicesOnly(mine(/Not confirmed yet/, ["profile.drafted"])),
    start: (actor) => submitStatement(h, space, actor, "Nothing but growth matters.", ALICE),
  },
  {
    label: "button profile:confirm naming ALICE",
    cells: alicesOnly(mine(/Confirmed/, ["profile.confirmed"])),
    prepare: alicesDraft,
    start: press,
    check: alicesMessageUntouched,
  },
  {
    label: "button profile:edit naming ALICE",
    cells: alicesOnly(modal),
    prepare: (actor) =>
      alicesMessage(slash("profile", { subcommand: "show", options: spaceOption })(ALICE), /profile:edit:[^"]+/, actor),
    start: press,
  },
  {
    label: "/audit",
    // The steward role grants the web view of the guild's three spaces, recorded as granted by the role.
    cells: stewardsOnly(mine(/Your sign-in link/, ["steward.granted", "steward.granted", "steward.granted"])),
    start: slash("audit"),
  },
  {
    label: "/space add",
    cells: stewardsOnly(announced(/Following/, ["space.added"])),
    start: slash("space", { subcommand: "add", options: () => ({ space: NEW_SPACE, channel: CHANNEL }) }),
  },
  {
    label: "/space remove",
    cells: stewardsOnly(announced(/No longer following/, ["space.removed"])),
    start: slash("space", { subcommand: "remove", options: () => ({ space: spare.externalId }) }),
  },
  {
    label: "/space list",
    cells: stewardsOnly(announced(/veto window/)),
    start: slash("space", { subcommand: "list" }),
  },
  {
    label: "/space mode",
    cells: stewardsOnly(announced(/is live/, ["space.mode_changed"])),
    start: slash("space", { subcommand: "mode", options: settingsOption({ mode: "live" }) }),
  },
  {
    label: "/space voting",
    cells: stewardsOnly(announced(/pooled delegate/, ["space.voting_mode_changed"])),
    start: slash("space", { subcommand: "voting", options: settingsOption({ mode: "pooled" }) }),
  },
  {
    label: "/space veto-window",
    cells: stewardsOnly(announced(/now have 15m/, ["space.veto_window_changed"])),
    start: slash("space", { subcommand: "veto-window", options: settingsOption({ duration: "15m" }) }),
  },
  {
    label: "/space taxonomy show",
    cells: stewardsOnly(announced(/values, version/)),
    start: slash("space", { subcommandGroup: "taxonomy", subcommand: "show", options: settingsOption() }),
  },
  {
    label: "/space taxonomy rename",
    cells: stewardsOnly(announced(/now version/, ["taxonomy.changed"])),
    start: slash("space", {
      subcommandGroup: "taxonomy",
      subcommand: "rename",
      options: settingsOption({ value: "public_goods_community", name: "The commons" }),
    }),
  },
  {
    label: "/space taxonomy add",
    cells: stewardsOnly(announced(/now version/, ["taxonomy.changed"])),
    start: slash("space", {
      subcommandGroup: "taxonomy",
      subcommand: "add",
      options: settingsOption({ value: "local_impact", name: "Local impact", meaning: "Helps the community nearby" }),
    }),
  },
  {
    label: "/space taxonomy remove",
    cells: stewardsOnly(announced(/now version/, ["taxonomy.changed"])),
    start: slash("space", {
      subcommandGroup: "taxonomy",
      subcommand: "remove",
      options: settingsOption({ value: "local_impact" }),
    }),
  },
  {
    label: "/pause",
    cells: stewardsOnly(announced(/Casting is paused/, ["casting.paused"])),
    start: slash("pause", { options: () => ({ reason: "audit of the agents" }) }),
  },
  { label: "/resume", cells: stewardsOnly(announced(/Casting resumed/, ["casting.resumed"])), start: slash("resume") },
  {
    label: "/delegate (makes the others members)",
    cells: membersOnly(
      mine(/Your personal agent/),
      mine(/Your personal agent/),
      mine(/Your personal agent/, ["member.created"]),
    ),
    start: slash("delegate", { options: spaceOption }),
    check: async (actor, reply) => {
      const member = await memberOf(actor);
      expect(reply.content).toContain(member?.agentAddress);
    },
  },
  {
    label: "/override",
    cells: everyone(mine(/Done: Tribune will vote "Against"/, ["override.set"])),
    start: slash("override", { options: () => ({ proposal: proposal.id, choice: "against" }) }),
  },
];

/** A profile answer carries only the actor's own buttons: nobody sees or presses another member's. */
function ownButtonsOnly(actor: string, reply: MessageView) {
  const ids = [...JSON.stringify(reply.components).matchAll(/profile:(?:confirm|edit):[^"]+/g)].map((m) => m[0]);
  for (const id of ids) expect(id.endsWith(`:${actor}`), id).toBe(true);
}

/** A press by someone other than ALICE leaves ALICE's message as it was. */
function alicesMessageUntouched(actor: string, _reply: MessageView, target: Target | undefined) {
  if (actor === ALICE || !target) return;
  // On a loaded machine ALICE's own command may have been deferred: its "thinking…" version came before the press.
  expect(h.discord.message(target.messageId)?.history.length, "ALICE's message was changed by another's press").toBe(
    target.versionsBefore,
  );
}

beforeAll(async () => {
  h = await startDiscordHarness();
  space = await followSpace(h);
  settings = await followSpace(h);
  spare = await followSpace(h);
  const seeded = await digestedProposal(h, space);
  proposal = seeded.proposal;
  await memberWithProfile(h, ALICE, space, ALICE_SAYS);
  await memberWithProfile(h, BOB, space, BOB_SAYS);
  await decide(h, proposal, seeded.digest);
  const report = await h.publisher.publish(proposal.id);
  if (report.status !== "published") throw new Error(`the thread was not published: ${report.why}`);
  threadId = report.threadId;
  planId = planIn(h, threadId)?.id ?? "";
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe("who may do what", () => {
  it("Discord offers steward commands only to those who may manage the server; an admin may open them to all", () => {
    for (const name of ["space", "pause", "resume", "audit"]) {
      expect(() => slash(name, name === "space" ? { subcommand: "list" } : {})(ALICE)).toThrow(/would not offer/);
    }
    // Server settings can grant a command to anyone, whatever its default permissions say: the matrix below runs
    // with the steward commands opened to @everyone, so Tribune's own check is what refuses them.
    for (const name of ["space", "pause", "resume", "audit"]) {
      h.discord.setCommandPermissions(GUILD, name, [{ id: GUILD, type: 1, permission: true }]);
    }
  });

  it.each(MATRIX)("$label", async (row) => {
    for (const [name, actor] of Object.entries(ACTORS) as [ActorName, string][]) {
      const cell = row.cells[name];
      const where = `${row.label} as ${name}`;
      const target = await row.prepare?.(actor);
      const before = await pictureOf(h.db.prisma);
      const run = row.start(actor, target);
      const ack = await run.acknowledged;
      let reply: MessageView | undefined;
      if (cell.kind === "modal") {
        expect(ack.type, where).toBe(9);
        const modalId = (ack.data as { custom_id: string }).custom_id;
        expect(modalId.endsWith(`:${actor}`), `${where}: ${modalId}`).toBe(true);
        if (actor !== ALICE) expect(JSON.stringify(ack.data), where).not.toContain(ALICE_SAYS);
      } else {
        reply = await run.finalReply();
        const shown = text(reply);
        expect(shown, where).toMatch(cell.says);
        expect(reply.ephemeral, where).toBe(cell.kind === "refused" ? true : cell.ephemeral);
        expect(shown, where).not.toMatch(/\n\s+at /);
      }
      const after = await pictureOf(h.db.prisma);
      const changed = rowChanges(before, after);
      const audited = await auditSince(h.db.prisma, before);
      const own = (await memberOf(actor))?.id ?? null;
      // Whatever happened, nothing that belongs to another member changed, and no entry speaks for another member.
      expect(
        changed.filter((c) => c.memberId !== null && c.memberId !== own),
        where,
      ).toEqual([]);
      expect(
        audited.filter((a) => a.memberId !== null && a.memberId !== own),
        where,
      ).toEqual([]);
      const made = audited.map((a) => a.action).filter((action) => !action.startsWith("decision."));
      if (cell.kind === "answer") {
        expect(made, where).toEqual(cell.audit);
        if (cell.audit.length === 0) expect(changed, `${where} wrote rows`).toEqual([]);
        if (reply) await row.check?.(actor, reply, target);
      } else {
        expect(made, where).toEqual([]);
        expect(changed, `${where} wrote rows`).toEqual([]);
      }
    }
  });
});
