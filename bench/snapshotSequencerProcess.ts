// The local hub and sequencer for bench/snapshotCast.ts, in a process of their own: on Snapshot the sequencer is
// another machine, so its work (verifying every signature, signing every receipt) must not be counted as Tribune's.
// Protocol over the IPC channel: receive {space, voters} → open a proposal, give each voter power, listen, answer
// {url, proposal}; receive "count" → answer {stored, votesOnHub, cpuMs}; receive "stop" → exit.
import { FakeSequencer } from "../test/fakes/sequencer/fakeSequencer.js";
import { FakeSnapshotHub } from "../test/fakes/snapshotHub.js";

const hub = new FakeSnapshotHub();
hub.now = Math.floor(Date.now() / 1000);
// The hub's clock follows the wall clock, since a benchmark run outlasts the sequencer's five-minute allowance.
setInterval(() => {
  hub.now = Math.floor(Date.now() / 1000);
}, 1_000).unref();
const sequencer = new FakeSequencer(hub);

process.on("message", async (message: { space: string; voters: string[] } | "count" | "stop") => {
  if (message === "stop") {
    await sequencer.close();
    process.exit(0);
  }
  if (message === "count") {
    const cpu = process.cpuUsage();
    process.send?.({
      stored: sequencer.storedVotes,
      votesOnHub: hub.votes.length,
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
    return;
  }
  const proposal = hub.createProposal({
    space: message.space,
    title: "Benchmark: fund the security audit",
    type: "basic",
    start: hub.now - 60,
    end: hub.now + 86_400,
  });
  for (const voter of message.voters) hub.setVotingPower(voter, message.space, 1);
  const url = await sequencer.listen();
  process.send?.({ url, proposal });
});
