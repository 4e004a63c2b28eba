// Start-up wiring, split from main.ts by part: the zero-config demo. It seeds the demo's space and sample members,
// replays the bundled proposals into the normal pipeline (digest job → values.decide), waits for the first batch with
// a progress line, and says what it did and how to look at it.
import { resolve } from "node:path";
import type { AuditLog } from "../audit/auditLog.js";
import type { Config } from "../config/loadConfig.js";
import type { Secret } from "../config/secret.js";
import type { Database } from "../db/database.js";
import { batchSettled, demoBatch } from "../demo/demoBatch.js";
import { DEMO_MEMBERS_FILE, readDemoMembers } from "../demo/demoMembers.js";
import { DEMO_SPACE, seedDemo } from "../demo/seedDemo.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { JobQueue } from "../jobs/jobQueue.js";
import type { Logger } from "../log/logger.js";
import type { EndingSoon } from "../sources/endingSoon.js";
import { DEMO_BUNDLE_DIR, readReplayBundle } from "../sources/replay/replayBundle.js";
import { createReplayWatcher } from "../sources/replay/replayWatcher.js";
import { createKeyring } from "../voting/keyring.js";
import { LOGIN_LINK_TTL_MS, signLoginLink } from "../web/loginLink.js";
import { countLine, createProgress, type Progress } from "./progress.js";

export interface StartDemoDeps {
  db: Database;
  audit: AuditLog;
  /** Only `enqueue` is used: the replay queues digest jobs like the Snapshot watcher. */
  queue: Pick<JobQueue, "enqueue">;
  logger: Logger;
  /** The agents' mnemonic (in the demo, the one made for the data folder): sample members get addresses from it. */
  agentKeys: { mnemonic: Secret } | null;
  /** Where the web view listens (null: not in this process); the steward's link points there. */
  webUrl: string | null;
  /** WEB_SIGNING_SECRET, or the data folder's own (see src/demo/localSigningSecret.ts). */
  signingSecret: Secret | undefined;
  /** The data folder's secret file when `signingSecret` came from it, so the summary can say how to sign again. */
  signingSecretFile?: string | null;
  /** Whether this process runs the digest and decide workers, so waiting for the first batch makes sense. */
  waitForBatch: boolean;
  /** Called once per demo proposal that has decisions, so a Discord channel added since gets its threads. */
  refreshThread?: (proposalId: string) => Promise<void>;
  onEndingSoon?: (events: readonly EndingSoon[]) => Promise<void>;
  progress?: Progress;
  bundleDir?: string;
  membersFile?: string;
  pollSeconds?: number;
  /** How long to wait for the first batch before handing it to the background (default 5 minutes). */
  batchTimeoutMs?: number;
  now?: () => Date;
}

export interface StartedDemo {
  stop: () => Promise<void>;
  /** Lines for the start-up summary, in its layout ("  demo       …"). */
  summaryLines: string[];
}

/** Seeds and starts the demo; call it after the workers are registered and the web view listens. */
export async function startDemo(config: Config, deps: StartDemoDeps): Promise<StartedDemo> {
  const { db, audit, logger } = deps;
  const progress = deps.progress ?? createProgress();
  const now = deps.now ?? (() => new Date());
  if (!deps.agentKeys) {
    throw new TribuneError(
      "demo.no_agent_keys",
      "The demo needs agent keys for its sample members, and none are available",
      "Unset DATABASE_URL (the demo makes a mnemonic for the data folder) or set AGENT_MNEMONIC",
    );
  }
  const bundle = await readReplayBundle(deps.bundleDir ?? DEMO_BUNDLE_DIR);
  const people = await readDemoMembers(deps.membersFile ?? DEMO_MEMBERS_FILE);

  progress.update("demo: seeding the space and its sample members…");
  const seed = await seedDemo({ prisma: db.prisma, audit, keyring: createKeyring(deps.agentKeys.mnemonic), people });
  const watcher = createReplayWatcher({
    prisma: db.prisma,
    audit,
    jobs: deps.queue,
    bundle,
    space: DEMO_SPACE,
    now,
    logger,
    onEndingSoon: deps.onEndingSoon,
  });
  const first = await watcher.pollOnce();
  progress.done(
    `demo: ${seed.membersCreated > 0 || first.created > 0 ? "seeded" : "found"} ${DEMO_SPACE}: ${first.released} proposal(s), ${seed.members.length} member(s)`,
  );

  let batch = await demoBatch(db.prisma, seed.spaceId);
  if (deps.waitForBatch && !batchSettled(batch)) {
    const deadline = Date.now() + (deps.batchTimeoutMs ?? 300_000);
    while (Date.now() < deadline) {
      batch = await demoBatch(db.prisma, seed.spaceId);
      progress.update(
        batch.digested < batch.proposals
          ? countLine(`demo: digesting ${batch.proposals} proposals`, batch.digested, batch.proposals)
          : countLine(`demo: deciding for ${seed.members.length} members`, batch.decided, batch.proposals),
      );
      if (batchSettled(batch)) break;
      await new Promise((done) => setTimeout(done, 250));
    }
    progress.done(
      batch.decided >= batch.proposals
        ? `demo: ${batch.proposals} proposals digested and decided`
        : batchSettled(batch)
          ? `demo: ${batch.decided} proposals decided; ${batch.failed} could not be digested (see the audit log)`
          : `demo: ${batch.digested}/${batch.proposals} digested so far; the rest continues in the background`,
    );
  }
  if (deps.refreshThread) {
    for (const proposalId of batch.decidedIds) await deps.refreshThread(proposalId);
  }
  watcher.start(deps.pollSeconds ?? 15);

  return {
    stop: () => watcher.stop(),
    summaryLines: summary(config, deps, {
      bundleSize: bundle.proposals.length,
      released: first.released,
      upcoming: first.upcoming,
      nextReleaseAt: first.nextReleaseAt,
      members: seed.members.map((m) => m.name),
      steward: people.steward.discordUserId,
      batch,
      now: now(),
    }),
  };
}

function summary(
  config: Config,
  deps: StartDemoDeps,
  facts: {
    bundleSize: number;
    released: number;
    upcoming: number;
    nextReleaseAt: Date | null;
    members: string[];
    steward: string;
    batch: { proposals: number; digested: number; decisions: number };
    now: Date;
  },
): string[] {
  const later =
    facts.upcoming > 0 && facts.nextReleaseAt
      ? `, ${facts.upcoming} more to come (next in ${Math.max(1, Math.ceil((facts.nextReleaseAt.getTime() - facts.now.getTime()) / 60_000))} min)`
      : "";
  const lines = [
    `  demo       THIS IS THE DEMO: nothing is configured, so Tribune replays ${facts.bundleSize} bundled proposals (demo/proposals/) into the Snapshot space ${DEMO_SPACE}, in dry-run (nothing is ever cast)`,
    `  demo       ${facts.released} open now${later}; ${facts.batch.digested} digested, ${facts.batch.decisions} decision(s) for ${facts.members.length} sample members (${facts.members.join(", ")}; demo/members.json)`,
  ];
  if (!deps.webUrl) {
    lines.push(`  demo       web view off in this process (ROLE=${config.runtime.role}); no sign-in link`);
  } else if (!deps.signingSecret) {
    lines.push("  demo       no sign-in link: WEB_SIGNING_SECRET is not set");
  } else {
    const baseUrl = config.web.publicUrl ?? deps.webUrl;
    const link = signLoginLink({ secret: deps.signingSecret, baseUrl, discordUserId: facts.steward });
    lines.push(
      `  demo       open the web view as the demo's steward (works once, for ${LOGIN_LINK_TTL_MS / 60_000} minutes): ${link}`,
      deps.signingSecretFile
        ? `             another link: WEB_SIGNING_SECRET=$(cat ${deps.signingSecretFile}) npx tribune steward link ${facts.steward}`
        : `             another link: npx tribune steward link ${facts.steward}`,
    );
  }
  if (config.discord.enabled) {
    lines.push(
      `  demo       Discord: run /space add ${DEMO_SPACE} in the channel for its threads, then restart Tribune`,
    );
  }
  lines.push(
    `  demo       start over: stop Tribune, then npm run demo:reset (removes ${resolve(config.database.pgliteDir)}); DEMO=false turns the demo off`,
  );
  return lines;
}
