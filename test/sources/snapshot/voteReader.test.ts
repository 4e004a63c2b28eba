import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHubClient } from "../../../src/sources/snapshot/hubClient.js";
import { HubQueryRejectedError } from "../../../src/sources/snapshot/hubErrors.js";
import { createSnapshotVoteReader } from "../../../src/sources/snapshot/voteReader.js";
import { FakeSnapshotHub } from "../../fakes/snapshotHub.js";
import { plainProposal, sidekickProposals, sidekickVotes } from "./hubFixtures.js";

let hub: FakeSnapshotHub;
let reader: ReturnType<typeof createSnapshotVoteReader>;
beforeAll(async () => {
  hub = new FakeSnapshotHub();
  const url = await hub.listen();
  reader = createSnapshotVoteReader({ hub: createHubClient({ url, timeoutMs: 15_000, sleep: async () => undefined }) });
});
afterAll(() => hub.close());

const address = (i: number) => `0x${i.toString(16).padStart(40, "0")}`;

describe("Snapshot vote reader", () => {
  it("reads a voter's voting power for a proposal, and says when the hub does not know the proposal", async () => {
    const proposal = hub.createProposal(plainProposal("vp.eth", 1));
    hub.setVotingPower(address(7), "vp.eth", 1234.5);
    expect(await reader.votingPower({ voter: address(7), space: "vp.eth", proposal })).toEqual({
      vp: 1234.5,
      byStrategy: [1234.5],
      state: "pending",
    });
    const error = await reader.votingPower({ voter: address(7), space: "vp.eth", proposal: "0xdead" }).catch((e) => e);
    expect(error).toBeInstanceOf(HubQueryRejectedError);
    expect(error.messages).toEqual(["proposal not found"]);
  });

  it("finds who already voted among real votes, whatever the address casing", async () => {
    const real = sidekickProposals("sidekick.eth").find((p) => p.id?.startsWith("0x1e5f"));
    if (!real) throw new Error("fixture missing");
    hub.createProposal(real);
    const { proposal, votes } = sidekickVotes();
    for (const vote of votes) hub.addVote({ ...vote, proposal });
    const asked = [votes[0]?.voter.toLowerCase() ?? "", votes[45]?.voter ?? "", address(999)];
    const found = await reader.votesBy({ voters: asked, proposals: [proposal] });
    expect(found.map((v) => v.voter).sort()).toEqual([votes[0]?.voter, votes[45]?.voter].sort());
    expect(found.find((v) => v.voter === votes[0]?.voter)).toMatchObject({
      choice: votes[0]?.choice,
      vp: votes[0]?.vp,
      space: "sidekick.eth",
    });
  });

  it("splits voters and proposals under the 100-id cap and pages a pair with more than 1,000 votes", async () => {
    const proposals = Array.from({ length: 120 }, (_, i) => hub.createProposal(plainProposal("busy-votes.eth", i)));
    const voters = Array.from({ length: 250 }, (_, i) => address(10_000 + i));
    let expected = 0;
    // Voters 0–99 on proposals 0–19 (2,000 votes in one voter×proposal list), and a sprinkle elsewhere.
    for (let v = 0; v < 100; v += 1) {
      for (let p = 0; p < 20; p += 1) {
        hub.addVote({
          voter: voters[v] as string,
          proposal: proposals[p] as string,
          choice: 1,
          vp: 1,
          reason: "",
          created: hub.now - 5_000 + ((v * 20 + p) % 700),
        });
        expected += 1;
      }
    }
    for (const [v, p] of [
      [120, 110],
      [249, 0],
      [200, 101],
    ] as const) {
      hub.addVote({
        voter: voters[v] as string,
        proposal: proposals[p] as string,
        choice: 2,
        vp: 3,
        reason: "why not",
        created: hub.now - 100,
      });
      expected += 1;
    }
    const from = hub.requests.length;
    const found = await reader.votesBy({ voters, proposals });
    expect(found).toHaveLength(expected);
    expect(new Set(found.map((v) => v.id)).size).toBe(expected);
    const used = hub.requests.slice(from);
    for (const request of used) {
      expect(request.status).toBe(200);
      const wheres = Object.entries(request.variables)
        .filter(([k]) => k.startsWith("where"))
        .map(([, w]) => w as Record<string, string[]>);
      expect(wheres.length).toBeLessThanOrEqual(5);
      for (const where of wheres) {
        expect(where.voter_in?.length).toBeLessThanOrEqual(100);
        expect(where.proposal_in?.length).toBeLessThanOrEqual(100);
      }
      for (const [k, v] of Object.entries(request.variables)) if (k.startsWith("skip")) expect(v).toBe(0);
    }
    // 3 voter lists × 2 proposal lists = 6 lists (two requests), then further pages of the one crowded list.
    expect(used.length).toBeGreaterThanOrEqual(3);
  });
});
