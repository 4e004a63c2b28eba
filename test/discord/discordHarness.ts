// Tribune's Discord face over a real test database, a real job queue and the REAL discord.js client logged in to the
// fake Discord on loopback (assembled in discordFace.ts as main.ts assembles it). Tests drive members' clicks through
// the fake and read what Discord would show.
import { randomUUID } from "node:crypto";
import type { Database } from "../../src/db/database.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { type DiscordFace, type DiscordFaceOptions, startDiscordFace } from "./discordFace.js";

export {
  ALICE,
  APP,
  BOB,
  CHANNEL,
  GUILD,
  MANAGER,
  MANAGER_ROLE,
  NEWCOMER,
  OWNER,
  SAM,
  STEWARD_ROLE,
} from "./discordFace.js";

export interface DiscordHarness extends DiscordFace {
  db: Database;
  test: TestDatabase;
}

/** Starts everything on a fresh test database; `close` also drops it. */
export async function startDiscordHarness(options: DiscordFaceOptions = {}): Promise<DiscordHarness> {
  const test = await createTestDatabase();
  const face = await startDiscordFace(test.db, options);
  return {
    ...face,
    db: test.db,
    test,
    async close() {
      await face.close();
      await test.drop();
    },
  };
}

/** A unique Snapshot space id for a test. */
export function spaceId(): string {
  return `t${randomUUID().slice(0, 8)}.eth`;
}
