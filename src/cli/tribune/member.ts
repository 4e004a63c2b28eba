// `tribune member profile <discord user id> <space> "<statement>"`: seeds a member's value profile for operators and
// scripts, compiled and confirmed through the same store /profile uses (and audited the same way).
import { loadConfig } from "../../config/loadConfig.js";
import { loadEnvFile } from "../../config/loadEnvFile.js";
import { withOperatorServices } from "../operatorServices.js";

export const summary = 'seed a member: member profile <discord user id> <space> "<statement>" [--private]';

const USAGE = `Usage:
  npx tribune member profile <discord user id> <space> "<statement>" [--public|--private]
Compiles the statement (the configured LLM, or the offline compiler), confirms it, prints the member's agent address.`;

export async function run(args: string[]): Promise<number> {
  const [command, user, ref, statement, privacyFlag] = args;
  const privacy =
    privacyFlag === "--public" ? "public" : privacyFlag === "--private" || !privacyFlag ? "private" : null;
  if (command !== "profile" || !user || !ref || statement === undefined || !privacy || args.length > 5) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!/^\d{17,20}$/.test(user)) {
    process.stderr.write(`tribune member: "${user}" is not a Discord user id (17–20 digits)\n`);
    return 2;
  }
  loadEnvFile();
  return withOperatorServices(loadConfig(process.env), async ({ spaces, members, profiles, decisions }) => {
    const space = await spaces.resolve(ref, null);
    const member = await members.ensure(user);
    const drafted = await profiles.draft({ memberId: member.id, spaceId: space.id, statement, privacy });
    if (!drafted.ok) {
      process.stderr.write(`tribune member: ${drafted.message}\n${drafted.details.map((d) => `  ${d}\n`).join("")}`);
      return 1;
    }
    const confirmed = await profiles.confirm({
      memberId: member.id,
      spaceId: space.id,
      version: drafted.profile.version,
    });
    await decisions.redecideMember(member.id, space.id);
    process.stdout.write(
      `${confirmed.shownBack}\nConfirmed version ${confirmed.version} for ${user} in ${space.externalId}; agent ${member.agentAddress}\n`,
    );
    return 0;
  });
}
