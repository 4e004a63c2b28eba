// `tribune steward grant|revoke|list|link`: who may read a space's record in the web view, and a sign-in link for
// them. Until the Discord `/audit` command exists this is how a steward gets in; both use the same signLoginLink.
import { createAuditLog } from "../../audit/auditLog.js";
import { type Config, loadConfig } from "../../config/loadConfig.js";
import { loadEnvFile } from "../../config/loadEnvFile.js";
import type { Database } from "../../db/database.js";
import { TribuneError } from "../../errors/tribuneError.js";
import { LOGIN_LINK_TTL_MS, signLoginLink } from "../../web/loginLink.js";
import { createStewardRegistry, type StewardRegistry } from "../../web/stewardRegistry.js";
import { openConfiguredDatabase } from "../openConfiguredDatabase.js";

export const summary = "stewards of the web view: steward grant|revoke <discord user id> <space> · list · link <id>";

const USAGE = `Usage:
  npx tribune steward grant <discord user id> <space id or Snapshot id>   let them read that space's record
  npx tribune steward revoke <discord user id> <space id or Snapshot id>
  npx tribune steward list
  npx tribune steward link <discord user id>      print a sign-in link (works once, for 10 minutes)`;

const DISCORD_ID = /^\d{5,25}$/;

export async function run(args: string[]): Promise<number> {
  const [command, user, space] = args;
  loadEnvFile();
  const config = loadConfig(process.env);
  if (command === "link" && user && args.length === 2) return link(config, user);
  if (command === "list" && args.length === 1) return withRegistry(config, listStewards);
  if ((command === "grant" || command === "revoke") && user && space && args.length === 3) {
    if (!DISCORD_ID.test(user)) return usage(`"${user}" is not a Discord user id (a number, e.g. 80351110224678912)`);
    return withRegistry(config, async (stewards) => {
      if (command === "grant") {
        const granted = await stewards.grant({ discordUserId: user, space, grantedBy: "cli" });
        process.stdout.write(`${user} is a steward of ${granted.name} (${granted.id}).\n`);
      } else {
        const revoked = await stewards.revoke({ discordUserId: user, space, revokedBy: "cli" });
        process.stdout.write(`${user} is no longer a steward of ${revoked.name}.\n`);
      }
      return 0;
    });
  }
  return usage(command ? `unknown or incomplete command: ${args.join(" ")}` : null);
}

function usage(problem: string | null): number {
  if (problem) process.stderr.write(`tribune steward: ${problem}\n`);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

async function withRegistry(config: Config, body: (stewards: StewardRegistry) => Promise<number>): Promise<number> {
  const db = await openConfiguredDatabase(config);
  try {
    return await body(registryOf(db));
  } finally {
    await db.close();
  }
}

function registryOf(db: Database): StewardRegistry {
  return createStewardRegistry({ prisma: db.prisma, audit: createAuditLog({ prisma: db.prisma }) });
}

async function listStewards(stewards: StewardRegistry): Promise<number> {
  const rows = await stewards.list();
  if (rows.length === 0) process.stdout.write("No stewards yet: tribune steward grant <discord user id> <space>\n");
  for (const row of rows) {
    process.stdout.write(`${row.space.name} (${row.space.id})  ${row.discordUserId}  granted by ${row.grantedBy}\n`);
  }
  return 0;
}

async function link(config: Config, user: string): Promise<number> {
  const secret = config.web.signingSecret;
  if (!secret) {
    throw new TribuneError(
      "steward.no_signing_secret",
      "WEB_SIGNING_SECRET is not set, so no sign-in link can be signed",
      "Set WEB_SIGNING_SECRET (32+ characters, e.g. `openssl rand -hex 32`) for both this command and Tribune",
    );
  }
  if (!config.web.publicUrl) {
    throw new TribuneError(
      "steward.no_public_url",
      "PUBLIC_URL is not set (PORT is 0), so the link's address is unknown",
      "Set PUBLIC_URL to the address stewards open the web view at",
    );
  }
  // A link for someone who stewards nothing would only lead to a refusal page: say so now, if the database is free.
  let spaces: string[] | null = null;
  try {
    spaces = await withSpaces(config, user);
  } catch (error) {
    if (!(error instanceof TribuneError && error.code === "db.embedded_in_use")) throw error;
    process.stderr.write("(The embedded database is in use by Tribune, so stewardship was not checked here.)\n");
  }
  if (spaces?.length === 0) {
    process.stderr.write(`tribune steward: ${user} stewards no space; grant one first (tribune steward grant).\n`);
    return 1;
  }
  const url = signLoginLink({ secret, baseUrl: config.web.publicUrl, discordUserId: user });
  process.stdout.write(`${url}\n`);
  process.stderr.write(
    `Works once, for ${LOGIN_LINK_TTL_MS / 60_000} minutes${spaces ? `, for ${spaces.join(", ")}` : ""}. Send it only to ${user}.\n`,
  );
  return 0;
}

async function withSpaces(config: Config, user: string): Promise<string[]> {
  const db = await openConfiguredDatabase(config);
  try {
    return (await registryOf(db).spacesOf(user)).map((s) => s.name);
  } finally {
    await db.close();
  }
}
