// The fake Discord for bench/discordAck.ts, in a worker thread of its own: Discord's side of the exchange (building
// interaction payloads, answering callbacks, checking messages) runs beside the bot instead of on its event loop, as
// Discord runs on Discord's machines. The bench asks it for a burst of slash commands; it starts them back to back,
// waits for every answer, and reports what its clock saw.
import { parentPort, workerData } from "node:worker_threads";
import { APP, testGuild } from "../test/discord/discordFace.js";
import { startFakeDiscord } from "../test/fakes/discord/fakeDiscord.js";
import type { Acknowledgement, SlashCommandInput } from "../test/fakes/discord/interactions.js";

/** What the bench asks. */
export type FakeRequest =
  | { type: "burst"; commands: { label: string; input: SlashCommandInput }[] }
  | { type: "close" };

/** What one command came to, by the fake's clock. */
export interface BurstOutcome {
  label: string;
  /** From the interaction's creation to its first answer; null if none came in time. */
  latencyMs: number | null;
  /**
   * From the interaction's creation to the ack's request reaching the fake's HTTP server (before its body is read):
   * the ack's time to first byte. `latencyMs` minus this is the time the fake itself took to accept it.
   */
  reachedFakeMs: number | null;
  /** From the interaction's creation until the fake saw the final answer (not "thinking…"). */
  finalMs: number | null;
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
      let ack: Acknowledgement;
      try {
        ack = await run.acknowledged;
      } catch (error) {
        const failure = `no acknowledgement: ${(error as Error).message}`;
        return { label, latencyMs: null, reachedFakeMs: null, finalMs: null, type: null, answered: false, failure };
      }
      const createdAt = ack.at - ack.latencyMs;
      const callback = `/interactions/${run.id}/${run.token}/callback`;
      const request = discord.requests.find((r) => r.method === "POST" && r.path === callback && r.status < 300);
      const acknowledged = {
        label,
        latencyMs: ack.latencyMs,
        reachedFakeMs: request ? request.at - createdAt : null,
        type: ack.type,
      };
      try {
        const reply = await run.finalReply({ timeoutMs: 30_000, settleMs: 0 });
        // The fake looks every 10 ms, so this is the final answer's time to within 10 ms.
        const finalMs = Date.now() - createdAt;
        return { ...acknowledged, finalMs, answered: reply.content !== "" || reply.embeds.length > 0 };
      } catch (error) {
        // Acknowledged in time, but no final answer within 30 s (the token would still live 15 min).
        return { ...acknowledged, finalMs: null, answered: false, failure: (error as Error).message };
      }
    }),
  );
  port.postMessage({ type: "burst", outcomes } satisfies FakeMessage);
});
port.postMessage({ type: "ready", apiUrl: discord.apiUrl, token: discord.token } satisfies FakeMessage);
