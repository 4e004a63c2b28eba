// `tribune pause [reason]`: the operator's /pause — stops all casting at once, in every space, on every worker.
import { loadConfig } from "../../config/loadConfig.js";
import { loadEnvFile } from "../../config/loadEnvFile.js";
import { withOperatorServices } from "../operatorServices.js";

export const summary = "stop all vote casting at once: pause [reason] (resume with: resume)";

export async function run(args: string[]): Promise<number> {
  loadEnvFile();
  const reason = args.join(" ").trim().slice(0, 200) || undefined;
  return withOperatorServices(loadConfig(process.env), async ({ casting }) => {
    const { alreadyPaused } = await casting.pause("cli", reason);
    process.stdout.write(alreadyPaused ? "Casting was already paused.\n" : "Casting is paused in every space.\n");
    return 0;
  });
}
