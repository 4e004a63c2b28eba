import { z } from "zod";
import { boolVar } from "./envFields.js";

/** The zero-config demo: on a fresh clone with nothing configured, Tribune replays bundled proposals. */
export type DemoConfig = {
  /** `DEMO`: false turns the demo off even when nothing else is configured (default true). */
  readonly allowed: boolean;
};

/** Parses the demo's variable. */
export const demoSchema = z
  .object({
    DEMO: boolVar(true),
  })
  .transform((env): DemoConfig => ({ allowed: env.DEMO }));

/** What decides whether this start is the demo: the parts of the configuration that would give it real work. */
export interface DemoInputs {
  database: { url: unknown };
  sources: { snapshotSpaces: readonly unknown[]; governors: readonly unknown[]; tallyApiKey: unknown };
  demo: DemoConfig;
}

/**
 * The demo runs only when nothing real is configured: no DATABASE_URL (its data would land in a real database), no
 * SNAPSHOT_SPACES, no GOVERNORS, no TALLY_API_KEY, and DEMO is not false.
 */
export function isDemo({ database, sources, demo }: DemoInputs): boolean {
  return (
    demo.allowed &&
    database.url === undefined &&
    sources.snapshotSpaces.length === 0 &&
    sources.governors.length === 0 &&
    sources.tallyApiKey === undefined
  );
}

/** Why the demo is not running, for the start-up summary; null when it runs. */
export function whyNotDemo({ database, sources, demo }: DemoInputs): string | null {
  if (!demo.allowed) return "off: DEMO=false";
  if (database.url !== undefined) return "off: DATABASE_URL is set";
  if (sources.snapshotSpaces.length > 0) return "off: SNAPSHOT_SPACES is set";
  if (sources.governors.length > 0) return "off: GOVERNORS is set";
  if (sources.tallyApiKey !== undefined) return "off: TALLY_API_KEY is set";
  return null;
}
