import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../src/config/secret.js";
import { connectDiscord } from "../../src/discord/discordClient.js";
import { createLogger } from "../../src/log/logger.js";
import { type FakeDiscord, startFakeDiscord } from "../fakes/discord/fakeDiscord.js";

// discord.js's own sharding, as Tribune's gateway configures it: DISCORD_SHARDS=auto runs every shard Discord
// recommends in one process; a list of shard ids (with DISCORD_SHARD_COUNT) runs only those, so two gateway processes
// split a bot's guilds between them. A guild's events go to shard (guild_id >> 22) % shard_count.

const APP = "1390000000000000100";
// (id >> 22) % 2: the first guild is on shard 1, the second on shard 0.
const ON_SHARD_1 = "1390000000000000000";
const ON_SHARD_0 = "1390000000004194304";

let discord: FakeDiscord;
const logger = createLogger({ level: "silent", secrets: [] });

beforeAll(async () => {
  discord = await startFakeDiscord({
    applicationId: APP,
    shards: 2,
    guilds: [ON_SHARD_1, ON_SHARD_0].map((id, i) => ({
      id,
      name: `Guild ${i}`,
      ownerId: "1390000000000000200",
      roles: [],
      channels: [{ id: `13900000000000003${i}0`, name: "governance", type: 0 }],
      members: [{ userId: "1390000000000000200", username: "founder" }],
    })),
  });
});
afterAll(() => discord.close());

describe("Discord sharding", () => {
  it("runs every recommended shard in one process with DISCORD_SHARDS=auto", async () => {
    const client = await connectDiscord({ token: new Secret(discord.token), apiUrl: discord.apiUrl, logger });
    try {
      const shards = discord
        .sessions()
        .filter((s) => s.connected)
        .map((s) => s.shard);
      expect(shards).toEqual(
        expect.arrayContaining([
          [0, 2],
          [1, 2],
        ]),
      );
      expect([...client.guilds.cache.keys()].sort()).toEqual([ON_SHARD_1, ON_SHARD_0].sort());
    } finally {
      await client.destroy();
    }
  });

  it("splits the guilds between two gateway processes that each run their own shard ids", async () => {
    const token = new Secret(discord.token);
    const [first, second] = await Promise.all([
      connectDiscord({ token, apiUrl: discord.apiUrl, logger, shards: [0], shardCount: 2 }),
      connectDiscord({ token, apiUrl: discord.apiUrl, logger, shards: [1], shardCount: 2 }),
    ]);
    try {
      expect([...first.guilds.cache.keys()]).toEqual([ON_SHARD_0]);
      expect([...second.guilds.cache.keys()]).toEqual([ON_SHARD_1]);
    } finally {
      await Promise.all([first.destroy(), second.destroy()]);
    }
  });
});
