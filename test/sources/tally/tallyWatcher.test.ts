import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditLog } from "../../../src/audit/auditLog.js";
import { Secret } from "../../../src/config/secret.js";
import { createTallyClient, tallyGovernorId } from "../../../src/sources/tally/tallyClient.js";
import { createTallyWatcher, type TallyWatcherOptions } from "../../../src/sources/tally/tallyWatcher.js";
import { FakeTallyApi } from "../../fakes/tallyApi.js";
import { createGovernorHarness, type GovernorHarness } from "../governor/governorHarness.js";
import { auditOf } from "../snapshot/watcherHarness.js";

// The Tally adapter fills the same Governor space as the chain reader would, with source "tally", through the store.

const KEY = "tally-test-key";
const ADDRESS = "0x408ed6354d4973f66138c91495f2f2fcbd8724c3" as const;
const GOVERNOR = tallyGovernorId(1, ADDRESS);
let h: GovernorHarness;
let api: FakeTallyApi;
let url: string;

const watcher = (extra: Partial<TallyWatcherOptions> = {}) =>
  createTallyWatcher({
    prisma: h.t.db.prisma,
    audit: createAuditLog({ prisma: h.t.db.prisma }),
    jobs: h.queue,
    client: createTallyClient({ url, apiKey: new Secret(KEY), sleep: async () => undefined }),
    governors: [{ chainId: 1, address: ADDRESS }],
    ...extra,
  });

function add(n: number, status: string) {
  api.proposals.push({
    id: (9007199254740993n + BigInt(n)).toString(),
    governorId: GOVERNOR,
    onchainId: String(n),
    status,
    title: `Tally proposal ${n}`,
    description: `# Tally proposal ${n}\n\nSee https://gov.example.org/t/${n}`,
    start: new Date(Date.UTC(2026, 2, 1, n)),
    end: new Date(Date.UTC(2026, 2, 8, n)),
    startBlock: 20_000_000 + n,
    proposer: "0x00000000000000000000000000000000000000AA",
    votes: { for: "600000000000000000000000", against: "1", abstain: "0" },
  });
}

beforeAll(async () => {
  h = await createGovernorHarness();
  api = new FakeTallyApi(KEY);
  url = await api.listen();
  // 30 proposals over two pages: 25 executed, the newest 5 active; and a draft, which is never stored.
  for (let n = 1; n <= 30; n += 1) add(n, n > 25 ? "active" : "executed");
  add(31, "draft");
});

afterAll(async () => {
  await api.close();
  await h.close();
});

describe("the Tally watcher", () => {
  it("keeps only the states asked for, across pages, under the Governor's space with ids as strings", async () => {
    const report = await watcher({ states: ["pending", "active"] }).pollOnce();
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ created: 5, pages: 2, digestsQueued: 5, filteredOut: 26 });
    const rows = await h.t.db.prisma.proposal.findMany({
      where: { source: "tally" },
      orderBy: { externalId: "asc" },
      include: { space: true },
    });
    expect(rows.map((r) => r.externalId)).toEqual(
      [26, 27, 28, 29, 30].map((n) => (9007199254740993n + BigInt(n)).toString()),
    );
    expect(rows[0]).toMatchObject({
      state: "active",
      title: "Tally proposal 26",
      author: "0x00000000000000000000000000000000000000aa",
      snapshotTimepoint: "20000026",
      choices: ["Against", "For", "Abstain"],
    });
    expect(rows[0]?.space).toMatchObject({ kind: "governor", externalId: `1:${ADDRESS}`, chainId: 1 });
    expect(rows[0]?.raw).toMatchObject({ kind: "tally", tallyId: "9007199254741019", onchainId: "26" });
    expect(await h.digestJobs()).toBe(5);
  });

  it("follows a stored proposal into a state the filter leaves out, and stops at a settled page", async () => {
    const last = api.proposals.find((p) => p.onchainId === "30");
    if (last) last.status = "executed";
    const w = watcher({ states: ["pending", "active"] });
    const report = await w.pollOnce();
    // Same content, new state: "unchanged" content, one state_changed entry.
    expect(report).toMatchObject({ created: 0, edited: 0, unchanged: 5 });
    const row = await h.t.db.prisma.proposal.findFirstOrThrow({ where: { source: "tally", externalId: last?.id } });
    expect(row.state).toBe("executed");
    expect(await auditOf(h.t.db.prisma, "tally.proposal.state_changed")).toHaveLength(1);

    // Everything on the newest page is stored and final: one request is enough.
    for (const p of api.proposals) if (p.status === "active") p.status = "defeated";
    await w.pollOnce();
    expect((await w.pollOnce()).pages).toBe(1);
  });
});
