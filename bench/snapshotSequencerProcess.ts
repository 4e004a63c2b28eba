// The local hub and sequencer for bench/snapshotCast.ts, in a process of their own: on Snapshot they are other
// machines, so their work (verifying every signature, signing every receipt, answering GraphQL) must not be counted as
// Tribune's. Protocol over the IPC channel:
//   {space, voters, proposals}  → open `proposals` proposals in `space`, give each voter power, listen;
//                                 answer {sequencerUrl, hubUrl, proposals: [id…]}
//   "count"                     → answer {stored, votesOnHub, cpuMs, hubRequests: {operation: n}}
//   "stop"                      → exit.
import { FakeSequencer } from "../test/fakes/sequencer/fakeSequencer.js";
import { FakeSnapshotHub } from "../test/fakes/snapshotHub.js";

const hub = new FakeSnapshotHub();
hub.now = Math.floor(Date.now() / 1000);
// The hub's clock follows the wall clock, since a benchmark run outlasts the sequencer's five-minute allowance.
setInterval(() => {
  hub.now = Math.floor(Date.now() / 1000);
}, 1_000).unref();
const sequencer = new FakeSequencer(hub);

type Setup = { space: string; voters: string[]; proposals?: number };

process.on("message", async (message: Setup | "count" | "stop") => {
  if (message === "stop") {
    await Promise.all([sequencer.close(), hub.close()]);
    process.exit(0);
  }
  if (message === "count") {
    const cpu = process.cpuUsage();
    const hubRequests: Record<string, number> = {};
    for (const r of hub.requests) hubRequests[r.operationName ?? "?"] = (hubRequests[r.operationName ?? "?"] ?? 0) + 1;
    process.send?.({
      stored: sequencer.storedVotes,
      votesOnHub: hub.votes.length,
      cpuMs: (cpu.user + cpu.system) / 1000,
      hubRequests,
    });
    return;
  }
  const proposals = Array.from({ length: message.proposals ?? 1 }, (_, i) =>
    hub.createProposal({
      space: message.space,
      title: `Benchmark ${i + 1}: fund the security audit`,
      type: "basic",
      start: hub.now - 60,
      end: hub.now + 86_400,
    }),
  );
  for (const voter of message.voters) hub.setVotingPower(voter, message.space, 1);
  const [sequencerUrl, hubUrl] = await Promise.all([sequencer.listen(), hub.listen()]);
  process.send?.({ sequencerUrl, hubUrl, proposals });
});
