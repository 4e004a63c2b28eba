// Snapshot's own choice validators (snapshot.js `utils.voting[type].isValidChoice`), the same code the hub and the
// sequencer run: a choice they refuse would be a vote that never counts.
import snapshotModule from "@snapshot-labs/snapshot.js";
import type { SnapshotChoice, VotingType } from "../../src/values/votingTypes.js";

// The bundle's CommonJS export is the object itself, while its types describe an ES default export: take either.
const snapshot = ("utils" in snapshotModule ? snapshotModule : snapshotModule.default) as typeof snapshotModule.default;

export function isValidForSnapshot(type: VotingType, choice: SnapshotChoice, choices: readonly string[]): boolean {
  const voting = snapshot.utils.voting[type] as unknown as {
    isValidChoice(choice: SnapshotChoice, choices: string[]): boolean;
  };
  return voting.isValidChoice(choice, [...choices]);
}
