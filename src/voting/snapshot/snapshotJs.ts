import snapshotModule from "@snapshot-labs/snapshot.js";

/**
 * snapshot.js itself: `Client712` to sign votes, `utils.getHash` for a message's id.
 * The bundle's CommonJS export is the object itself, while its types describe an ES default export: take either.
 */
export const snapshot = ("utils" in snapshotModule
  ? snapshotModule
  : snapshotModule.default) as unknown as typeof snapshotModule.default;
