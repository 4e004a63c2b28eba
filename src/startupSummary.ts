import type { Config } from "./config/loadConfig.js";
import type { MigrationReport } from "./db/migrate.js";

export interface StartupFacts {
  config: Config;
  /** The .env file read at start, if any. */
  envFile: string | null;
  database: { engine: "postgres" | "pglite"; location: string };
  migrations: MigrationReport;
  /** Where the web server listens; null when this process does not serve the web (ROLE=worker). */
  webUrl: string | null;
  /** Where a worker answers /healthz, /readyz and /metrics (HEALTH_PORT); null when it does not. */
  healthUrl?: string | null;
  workersRunning: boolean;
}

/** The start-up summary: one line per part, saying what runs, where, and why anything is off. */
export function startupSummary({
  config,
  envFile,
  database,
  migrations,
  webUrl,
  healthUrl = null,
  workersRunning,
}: StartupFacts): string[] {
  const { llm, discord, sources, voting, runtime } = config;
  const applied = migrations.applied.length;
  const lines = [
    `Tribune (role: ${runtime.role}; configuration from ${envFile ? `${envFile} and ` : ""}the environment)`,
    database.engine === "pglite"
      ? `  database   embedded PGlite in ${database.location} (set DATABASE_URL to use PostgreSQL)`
      : `  database   PostgreSQL at ${database.location}`,
    `  schema     ${applied > 0 ? `${applied} migration(s) applied now, ` : ""}${migrations.alreadyApplied + applied} in all`,
    `  llm        ${
      llm.provider === "offline"
        ? "offline summariser (extractive, no network; set ANTHROPIC_API_KEY or LLM_PROVIDER=local for an LLM)"
        : `${llm.provider} ${llm.model} at ${llm.baseUrl}`
    }`,
    `  discord    ${discord.enabled ? `connected (${discord.apiUrl}); slash commands: npm run commands:deploy` : "disabled: DISCORD_TOKEN is not set"}`,
    `  snapshot   ${snapshotLine(config)}`,
    `  governor   ${sources.governorEnabled ? `${sources.governors.length} Governor(s) read from the chain every ${config.governor.pollSeconds} s` : "disabled: GOVERNORS is empty"}`,
    `  casting    ${voting.agentMnemonic ? "a mnemonic is configured; spaces still start in dry-run" : `dry-run only: AGENT_MNEMONIC is not set${config.database.url ? "" : " (agent addresses come from a mnemonic made for this data folder, which can never cast)"}`}`,
    `  workers    ${workersRunning ? `running (${runtime.jobConcurrency} per job)` : `off (${runtime.workersEnabled ? `ROLE=${runtime.role}` : "WORKERS_ENABLED=false"})`}`,
    `  web        ${webUrl ? `${webUrl} (/healthz, /readyz, /metrics)` : healthUrl ? `health only: ${healthUrl} (/healthz, /readyz, /metrics)` : `off (ROLE=${runtime.role}${runtime.role === "worker" ? "; HEALTH_PORT serves /healthz, /readyz, /metrics" : ""})`}`,
    ...(webUrl
      ? [
          `  stewards   ${config.web.signingSecret ? `pages at ${webUrl}/audit; sign-in links: npx tribune steward link <discord id>` : "pages off: WEB_SIGNING_SECRET is not set"}`,
        ]
      : []),
  ];
  for (const name of migrations.modified) {
    lines.push(
      `  warning    migration ${name} was edited after it was applied; the database keeps the applied version`,
    );
  }
  return lines;
}

function snapshotLine({ sources, runtime }: Config): string {
  if (!sources.snapshotEnabled) return "disabled: SNAPSHOT_SPACES is empty";
  const spaces = `${sources.snapshotSpaces.length} space(s)`;
  if (!["all", "gateway"].includes(runtime.role))
    return `${spaces}, watched by the gateway process (ROLE=${runtime.role})`;
  const webhook = sources.snapshotWebhookSecret
    ? "webhook at /webhooks/snapshot"
    : "no webhook (SNAPSHOT_WEBHOOK_SECRET unset)";
  return `watching ${spaces} at ${sources.snapshotHubUrl} every ${sources.snapshotPollSeconds} s; ${webhook}`;
}
