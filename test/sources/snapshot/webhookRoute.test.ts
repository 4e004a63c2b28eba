import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../../src/config/secret.js";
import { createSnapshotWebhookRoute, type WebhookHint } from "../../../src/sources/snapshot/webhookRoute.js";
import { createWebServer, type WebServer } from "../../../src/web/webServer.js";
import { plainProposal } from "./hubFixtures.js";
import { createHarness, type Harness } from "./watcherHarness.js";

let h: Harness;
let watcher: ReturnType<Harness["watcher"]>;
let web: WebServer;
let base: string;
const pending: Promise<void>[] = [];
const hints: WebhookHint[] = [];

beforeAll(async () => {
  h = await createHarness();
  watcher = h.watcher(["hook.eth"]);
  await watcher.pollOnce();
  web = createWebServer({
    routes: [
      createSnapshotWebhookRoute({
        secret: new Secret("sha256-of-url-and-salt"),
        spaces: ["hook.eth"],
        onHint: (hint) => {
          hints.push(hint);
          const done = watcher.hint(hint.proposalId);
          pending.push(done);
          return done;
        },
      }),
    ],
    onError: (error) => {
      throw error;
    },
  });
  base = await web.listen(0, "127.0.0.1");
});
afterAll(async () => {
  await web.close();
  await h.close();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/webhooks/snapshot`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  await Promise.all(pending.splice(0));
  return response.status;
}

const event = (id: string, name = "proposal/created", space = "hook.eth") => ({
  id: `proposal/${id}`,
  event: name,
  space,
  expire: h.hub.now,
});
const RIGHT = { authentication: "sha256-of-url-and-salt" };
const row = (externalId: string) =>
  h.t.db.prisma.proposal.findFirst({ where: { externalId }, include: { versions: true } });

describe("Snapshot webhook route", () => {
  it("rejects a wrong or missing secret with 401, without asking the hub anything", async () => {
    const id = h.hub.createProposal(plainProposal("hook.eth", 1));
    const before = h.hub.requestCount();
    expect(await post(event(id), { authentication: "guess" })).toBe(401);
    expect(await post(event(id))).toBe(401);
    expect(await post({ ...event(id), secret: "guess" })).toBe(401);
    expect(h.hub.requestCount()).toBe(before);
    expect(await row(id)).toBeNull();
  });

  it("with the right secret, fetches that proposal from the hub at once: row, version and digest job", async () => {
    const id = h.hub.createProposal(plainProposal("hook.eth", 2));
    const before = h.hub.requestCount("proposalRefresh");
    expect(await post(event(id), RIGHT)).toBe(202);
    expect(h.hub.requestCount("proposalRefresh") - before).toBe(1);
    const stored = await row(id);
    expect(stored?.title).toBe("[hook.eth] Fund the grants round #2");
    expect([...(await h.digestJobs(stored?.versions.map((v) => v.id))).values()]).toEqual([1]);
    expect(hints.at(-1)).toEqual({ proposalId: id, event: "proposal/created", space: "hook.eth" });
    // Snapshot may put the secret in the body instead of the header.
    expect(await post({ ...event(id, "proposal/start"), secret: "sha256-of-url-and-salt" })).toBe(202);
  });

  it("treats the payload as a hint only: a 'deleted' event for a proposal the hub still has deletes nothing", async () => {
    const id = h.hub.createProposal(plainProposal("hook.eth", 3));
    expect(await post(event(id), RIGHT)).toBe(202);
    expect(await post(event(id, "proposal/deleted"), RIGHT)).toBe(202);
    expect((await row(id))?.deletedAt).toBeNull();
    h.hub.deleteProposal(id);
    expect(await post(event(id, "proposal/deleted"), RIGHT)).toBe(202);
    expect((await row(id))?.deletedAt).not.toBeNull();
  });

  it("ignores other spaces and refuses what is not a Snapshot event", async () => {
    const elsewhere = h.hub.createProposal(plainProposal("elsewhere.eth", 1));
    const before = h.hub.requestCount();
    expect(await post(event(elsewhere, "proposal/created", "elsewhere.eth"), RIGHT)).toBe(202);
    expect(await post({ id: "proposal/not-an-id", event: "proposal/created", space: "hook.eth" }, RIGHT)).toBe(400);
    expect(await post("{not json", RIGHT)).toBe(400);
    expect(h.hub.requestCount()).toBe(before);
    expect((await fetch(`${base}/webhooks/snapshot`)).status).toBe(405);
  });

  it("gathers the hints that arrive while the watcher is busy into one hub request", async () => {
    const ids = Array.from({ length: 6 }, (_, i) => h.hub.createProposal(plainProposal("hook.eth", 10 + i)));
    const before = h.hub.requestCount("proposalRefresh");
    // A poll held up by a slow hub: every hint arriving meanwhile waits for it, then all go in one fetch.
    h.hub.faults.push({ kind: "delay", ms: 3_000 });
    const poll = watcher.pollOnce();
    const statuses = await Promise.all(
      ids.map((id) =>
        fetch(`${base}/webhooks/snapshot`, { method: "POST", headers: RIGHT, body: JSON.stringify(event(id)) }).then(
          (r) => r.status,
        ),
      ),
    );
    await Promise.all([poll, ...pending.splice(0)]);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202]);
    expect(h.hub.requestCount("proposalRefresh") - before).toBe(1);
    for (const id of ids) expect(await row(id)).not.toBeNull();
  });
});
