import { readFileSync } from "node:fs";
import { createAuditLog } from "../../../src/audit/auditLog.js";
import { Secret } from "../../../src/config/secret.js";
import type { Database } from "../../../src/db/database.js";
import { migrate, readMigrations } from "../../../src/db/migrate.js";
import { openPostgres } from "../../../src/db/openPostgres.js";
import { offlineProfileCompiler } from "../../../src/values/offlineCompiler.js";
import { createProfileStore } from "../../../src/values/profileStore.js";
import { DEFAULT_TAXONOMY } from "../../../src/values/taxonomy.js";
import { createTaxonomyStore } from "../../../src/values/taxonomyStore.js";
import { createKeyring } from "../../../src/voting/keyring.js";
import { type FakeAnthropicApi, jsonReply, startFakeAnthropicApi } from "../../fakes/anthropicApi.js";
import { type FakeDiscord, startFakeDiscord } from "../../fakes/discord/fakeDiscord.js";
import { FakeDiscourse, type FakePost } from "../../fakes/discourse.js";
import { FakeSequencer } from "../../fakes/sequencer/fakeSequencer.js";
import { FakeSnapshotHub } from "../../fakes/snapshotHub.js";
import { yip63 } from "../../sources/snapshot/hubFixtures.js";
import { DEV_PHRASE } from "../../voting/support/castingHarness.js";
import { type GovernorWorld, startGovernorWorld } from "./governorWorld.js";
import type { FaultPostgres } from "./privatePostgres.js";

// The world the fault suite runs Tribune in: the local stand-ins of every outside system (hub and sequencer, forum,
// Anthropic API, Discord, a chain's JSON-RPC endpoint), a PostgreSQL it may restart, one live Snapshot space and one
// live Governor DAO (governorWorld.ts) with members whose agents hold voting power in both, and four proposals with
// recorded model answers (three on the hub, one on chain; their forum debates served by the fake forum).

export const SPACE = "faults.eth";
export const APP = "1290000000000000001";
export const GUILD = "1290000000000000002";
export const CHANNEL = "1290000000000000003";
/** The Governor DAO's announcement channel. */
export const GOVERNOR_CHANNEL = "1290000000000000005";
const OWNER = "1290000000000000004";

const STATEMENTS = [
  "Security above all: protect users and funds. Treasury prudence matters too.",
  "Growth and adoption first; public goods and community are important to me.",
  "Protect the treasury: no spending without milestones. Security reviews are worth paying for.",
  "Decentralisation and community matter most to me; keep risks to users low.",
  "I care about security and sustainable growth in equal measure.",
];

/**
 * The recorded model answers, by a token of the proposal's title (the fake API answers whichever proposal it is asked
 * about; the prompt datamarks the text, so only a token without spaces is sure to appear as written).
 */
const FIXTURES = { "harbor-hip-42": "HIP-42", "lumen-lip-17": "LIP-17", "snapshotjs-yip-63": "YIP-63" } as const;
/** The Governor proposal is HIP-42's text under its own token, so the model's recorded answer for HIP-42 fits it. */
const GOVERNOR_TOKEN = "FGP-7";

export interface FaultWorld {
  db: Database;
  hub: FakeSnapshotHub;
  sequencer: FakeSequencer;
  forum: FakeDiscourse;
  anthropic: FakeAnthropicApi;
  discord: FakeDiscord;
  spaceId: string;
  governor: GovernorWorld;
  members: { id: string; discordUserId: string; agentAddress: string }[];
  /** The environment every Tribune process of the suite starts with. */
  env: Record<string, string>;
  /** Publishes the fixtures' proposals on the hub (open now, ending in an hour); returns their ids. */
  publishProposals(): string[];
  /** Proposes the Governor proposal on chain (its voting opens two blocks later); returns its id. */
  publishGovernorProposal(): Promise<string>;
  close(): Promise<void>;
}

function fixture(folder: string, name: string): unknown {
  return JSON.parse(readFileSync(`test/fixtures/digest/${folder}/${name}.json`, "utf8"));
}

/** Starts the stand-ins, migrates and seeds the database at `postgres.url`. */
export async function startFaultWorld(postgres: FaultPostgres): Promise<FaultWorld> {
  const db = await openPostgres({ url: postgres.url, poolSize: 4 });
  await migrate(db.sql, await readMigrations("prisma/migrations"));
  const hub = new FakeSnapshotHub();
  hub.now = Math.floor(Date.now() / 1000);
  const clock = setInterval(() => {
    hub.now = Math.floor(Date.now() / 1000);
  }, 200);
  const sequencer = new FakeSequencer(hub);
  const forum = new FakeDiscourse();
  const [hubUrl, sequencerUrl, forumHost] = await Promise.all([hub.listen(), sequencer.listen(), forum.listen()]);
  const forumOrigin = `http://${forumHost}`;
  const rewrite = (text: string) =>
    text.replaceAll("https://forum.harbor.example", forumOrigin).replaceAll("https://gov.lumen.example", forumOrigin);

  const recorded = new Map<string, string>();
  for (const [name, token] of Object.entries(FIXTURES)) {
    recorded.set(token, rewrite(JSON.stringify(fixture("recorded", name))));
  }
  recorded.set(GOVERNOR_TOKEN, recorded.get(FIXTURES["harbor-hip-42"]) as string);
  const anthropic = await startFakeAnthropicApi({
    responder: (request) => {
      for (const [token, reply] of recorded) {
        if (request.userText.includes(token)) return jsonReply(JSON.parse(reply));
      }
      return { kind: "error", status: 400, errorType: "invalid_request_error", message: "unknown proposal" };
    },
  });
  for (const name of ["harbor-hip-42", "lumen-lip-17"]) {
    const posts = fixture("forum", name) as { url: string; author: string | null; text: string }[];
    const [topicPath] = /\/t\/[^/]+\/\d+/.exec(posts[0]?.url ?? "") ?? [];
    const [, slug, id] = /\/t\/([^/]+)\/(\d+)/.exec(topicPath ?? "") ?? [];
    const topicId = Number(id);
    const fakePosts: FakePost[] = posts.map((post) => {
      const n = Number(post.url.split("/").at(-1));
      return {
        id: topicId * 10_000 + n,
        post_number: n,
        // Discourse always names a poster; the fixture leaves a deleted account's name out.
        username: post.author ?? "system",
        cooked: `<p>${post.text.replaceAll("&", "&amp;").replaceAll("<", "&lt;")}</p>`,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
        likes: 3,
      } as FakePost;
    });
    forum.topics.set(topicId, { id: topicId, slug: slug ?? name, title: name, posts: fakePosts });
  }

  const members = STATEMENTS.map((_, i) => ({ discordUserId: `12900000000000001${String(i).padStart(2, "0")}` }));
  const discord = await startFakeDiscord({
    applicationId: APP,
    guilds: [
      {
        id: GUILD,
        name: "Faults DAO",
        ownerId: OWNER,
        roles: [],
        channels: [
          { id: CHANNEL, name: "governance", type: 0 },
          { id: GOVERNOR_CHANNEL, name: "governor", type: 0 },
        ],
        members: [
          { userId: OWNER, username: "founder" },
          ...members.map((m, i) => ({ userId: m.discordUserId, username: `member${i}` })),
        ],
      },
    ],
  });

  const prisma = db.prisma;
  const audit = createAuditLog({ prisma });
  const space = await prisma.space.create({
    data: {
      kind: "snapshot",
      externalId: SPACE,
      name: "Faults DAO",
      taxonomy: DEFAULT_TAXONOMY,
      mode: "live",
      vetoWindowSeconds: 30,
      discordGuildId: GUILD,
      discordChannelId: CHANNEL,
    },
  });
  const profiles = createProfileStore({
    prisma,
    audit,
    taxonomies: createTaxonomyStore({ prisma, audit }),
    compiler: offlineProfileCompiler,
  });
  const keyring = createKeyring(new Secret(DEV_PHRASE));
  const governor = await startGovernorWorld({
    prisma,
    agents: STATEMENTS.map((_, i) => keyring.address(i) as `0x${string}`),
    discord: { guildId: GUILD, channelId: GOVERNOR_CHANNEL },
  });
  const seeded: FaultWorld["members"] = [];
  for (const [i, statement] of STATEMENTS.entries()) {
    const discordUserId = members[i]?.discordUserId as string;
    const member = await prisma.member.create({
      data: { discordUserId, agentIndex: i, agentAddress: keyring.address(i) },
    });
    const drafted = await profiles.draft({ memberId: member.id, spaceId: space.id, statement });
    if (!drafted.ok) throw new Error(`the statement did not compile: ${JSON.stringify(drafted)}`);
    await profiles.confirm({ memberId: member.id, spaceId: space.id, version: drafted.profile.version });
    hub.setVotingPower(member.agentAddress, SPACE, 10 + i);
    const onChain = await profiles.draft({ memberId: member.id, spaceId: governor.spaceId, statement });
    if (!onChain.ok) throw new Error(`the statement did not compile: ${JSON.stringify(onChain)}`);
    await profiles.confirm({ memberId: member.id, spaceId: governor.spaceId, version: onChain.profile.version });
    seeded.push({ id: member.id, discordUserId, agentAddress: member.agentAddress });
  }

  return {
    db,
    hub,
    sequencer,
    forum,
    anthropic,
    discord,
    spaceId: space.id,
    governor,
    members: seeded,
    env: {
      DATABASE_URL: postgres.url,
      DATABASE_POOL_SIZE: "4",
      SNAPSHOT_HUB_URL: hubUrl,
      SNAPSHOT_SEQUENCER_URL: sequencerUrl,
      SNAPSHOT_SPACES: SPACE,
      SNAPSHOT_POLL_SECONDS: "2",
      SNAPSHOT_CAST_TIMEOUT_MS: "4000",
      FORUM_HOSTS: forumHost,
      ANTHROPIC_API_KEY: "sk-ant-fault-suite-key",
      ANTHROPIC_BASE_URL: anthropic.url,
      LLM_TIMEOUT_MS: "4000",
      LLM_MAX_RETRIES: "2",
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_APPLICATION_ID: APP,
      DISCORD_GUILD_ID: GUILD,
      AGENT_MNEMONIC: DEV_PHRASE,
      VETO_WINDOW_SECONDS: "30",
      CAST_SAFETY_MARGIN_SECONDS: "60",
      JOB_CONCURRENCY: "2",
      LOG_LEVEL: "warn",
      PORT: "0",
      ...governor.env,
    },
    publishProposals() {
      const open = { start: hub.now - 60, end: hub.now + 3_600, created: hub.now - 120 };
      const ids: string[] = [];
      for (const name of ["harbor-hip-42", "lumen-lip-17"]) {
        const p = fixture("proposals", name) as { title: string; body: string; choices: string[]; type: string };
        const discussion = rewrite((fixture("proposals", name) as { discussion: string }).discussion);
        ids.push(
          hub.createProposal({
            space: SPACE,
            title: p.title,
            body: p.body,
            choices: p.choices,
            type: p.type,
            discussion,
            ...open,
          }),
        );
      }
      ids.push(hub.createProposal({ ...yip63(SPACE), type: "single-choice", ...open }));
      return ids;
    },
    publishGovernorProposal() {
      const p = fixture("proposals", "harbor-hip-42") as { title: string; body: string; discussion: string };
      const title = p.title.replace(/^HIP-42:/, `${GOVERNOR_TOKEN}:`);
      return governor.propose(`# ${title}\n\n${p.body}\n\nDiscussion: ${rewrite(p.discussion)}`);
    },
    async close() {
      clearInterval(clock);
      await Promise.allSettled([
        hub.close(),
        sequencer.close(),
        forum.close(),
        anthropic.close(),
        discord.close(),
        governor.close(),
        db.close(),
      ]);
    },
  };
}
