// `tribune verify`: the same check as `npm run audit:verify`, from the command line tool.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const summary = "recompute the audit chain and say whether it is intact";

export async function run(): Promise<number> {
  const script = join(import.meta.dirname, "..", "auditVerify.ts");
  const result = spawnSync(process.execPath, ["--import", "tsx", script], { stdio: "inherit" });
  return result.status ?? 1;
}
