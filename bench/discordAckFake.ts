// The fake Discord for bench/discordAck.ts, in a worker thread of its own: Discord's side of the exchange (building
// interaction payloads, answering callbacks, checking messages) runs beside the bot instead of on its event loop, as
// Discord runs on Discord's machines. The bench asks it for a burst of slash commands; it starts them back to back,
// waits for every answer, and reports what its clock saw.
import { parentPort, workerData } from "node:worker_threads";
import { APP, testGuild } from "../test/discord/discordFace.js";
import { startFakeDiscord } from "../test/fakes/discord/fakeDiscord.js";
import type { SlashCommandInput } from "../test/fakes/discord/interactions.js";

/** What the bench asks. */
export type FakeRequest =
  | { type: "burst"; commands: { label: string; input: SlashCommandInput }[] }
  | { type: "close" };

/** What one command came to, by the fake's clock. */
export interface BurstOutcome {
  label: string;
  /** From the interaction's creation to its first answer; null if none came in time. */
  latencyMs: number | null;
  /** 4 answered, 5 deferred. */
  type: number | null;
  /** A final answer exists (not "thinking…"). */
  answered: boolean;
  failure?: string;
}

/** What the worker says. */
export type FakeMessage =
  | { type: "ready"; apiUrl: string; token: string }
  | { type: "burst"; outcomes: BurstOutcome[] }
  | { type: "closed" };

const port = parentPort;
if (!port) throw new Error("discordAckFake.ts runs as a worker thread");
const discord = await startFakeDiscord({ applicationId: APP, guilds: [testGuild(workerData.members as string[])] });
port.on("message", async (request: FakeRequest) => {
  if (request.type === "close") {
    await discord.close();
    port.postMessage({ type: "closed" } satisfies FakeMessage);
    return;
  }
  const runs = request.commands.map(({ label, input }) => ({ label, run: discord.slashCommand(input) }));
  const outcomes = await Promise.all(
    runs.map(async ({ label, run }): Promise<BurstOutcome> => {
      try {
        const ack = await run.acknowledged;
        const reply = await run.finalReply({ timeoutMs: 30_000, settleMs: 0 });
        const answered = reply.content !== "" || reply.embeds.length > 0;
        return { label, latencyMs: ack.latencyMs, type: ack.type, answered };
      } catch (error) {
        return { label, latencyMs: null, type: null, answered: false, failure: (error as Error).message };
      }
    }),
  );
  port.postMessage({ type: "burst", outcomes } satisfies FakeMessage);
});
port.postMessage({ type: "ready", apiUrl: discord.apiUrl, token: discord.token } satisfies FakeMessage);
