import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { TribuneError } from "../errors/tribuneError.js";

// The demo's people: a steward (whose sign-in link the start-up prints) and sample members who state their values in
// their own words. Their Discord ids are made up, in a range no real account has (ids are timestamps from 2015 on).

/** The bundled file, from the repository's root. */
export const DEMO_MEMBERS_FILE = resolve(import.meta.dirname, "../../demo/members.json");

const discordId = z.string().regex(/^\d{17,20}$/, "must be a Discord-like id (17–20 digits)");

export const demoMembersSchema = z.object({
  steward: z.object({ discordUserId: discordId, note: z.string().optional() }),
  members: z
    .array(
      z.object({
        name: z.string().min(1).max(40),
        discordUserId: discordId,
        statement: z.string().min(1).max(2_000),
      }),
    )
    .min(1)
    .max(20),
});
export type DemoMembers = z.infer<typeof demoMembersSchema>;

/** Reads and checks demo/members.json. */
export async function readDemoMembers(file: string = DEMO_MEMBERS_FILE): Promise<DemoMembers> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new TribuneError(
      "demo.members_unreadable",
      `The demo's members file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      "Restore demo/members.json from the repository or set DEMO=false",
      { cause: error },
    );
  }
  const parsed = demoMembersSchema.safeParse(json);
  if (!parsed.success) {
    throw new TribuneError(
      "demo.members_invalid",
      `The demo's members file ${file} is not valid: ${z.prettifyError(parsed.error)}`,
      "Fix the file or restore it from the repository",
    );
  }
  return parsed.data;
}
