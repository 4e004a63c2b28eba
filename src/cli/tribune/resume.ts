// `tribune resume`: lifts a pause; announced votes whose veto window has passed are cast at the next check.
import { loadConfig } from "../../config/loadConfig.js";
import { loadEnvFile } from "../../config/loadEnvFile.js";
import { withOperatorServices } from "../operatorServices.js";

export const summary = "resume vote casting after a pause";

export async function run(args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write("Usage: npx tribune resume\n");
    return 2;
  }
  loadEnvFile();
  return withOperatorServices(loadConfig(process.env), async ({ casting }) => {
    const { wasPaused } = await casting.resume("cli");
    process.stdout.write(wasPaused ? "Casting resumed.\n" : "Casting was not paused.\n");
    return 0;
  });
}
