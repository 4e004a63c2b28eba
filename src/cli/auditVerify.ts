// `npm run audit:verify`: recomputes the audit chain and prints whether it is intact; exits 1 if it is not.
import { createAuditLog } from "../audit/auditLog.js";
import { loadConfig } from "../config/loadConfig.js";
import { loadEnvFile } from "../config/loadEnvFile.js";
import { openConfiguredDatabase } from "./openConfiguredDatabase.js";
import { runCli } from "./runCli.js";

runCli("audit:verify", async () => {
  loadEnvFile();
  const db = await openConfiguredDatabase(loadConfig(process.env));
  try {
    const verdict = await createAuditLog({ prisma: db.prisma }).verify();
    if (verdict.intact) {
      process.stdout.write(
        verdict.count === 0
          ? "The audit log is empty.\n"
          : `The audit chain is intact: ${verdict.count} entries, up to entry ${verdict.lastSeq} (head ${verdict.lastHash}).\n`,
      );
      return 0;
    }
    process.stdout.write(
      `The audit chain is BROKEN at entry ${verdict.brokenAt}: ${verdict.reason}.\n` +
        `Entries 1–${verdict.brokenAt - 1} are intact; nothing from entry ${verdict.brokenAt} on can be trusted.\n`,
    );
    return 1;
  } finally {
    await db.close();
  }
});
