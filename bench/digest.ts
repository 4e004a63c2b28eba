// What digesting costs: 100 proposals (20 of them edited once) across 5 spaces with 1,000 members, every digest job
// delivered twice, through the real digest service, the real SDK and the local fake Messages API (usage sized like
// the real API's: ~4 characters a token, prompt caching emulated). Prints LLM calls per proposal version, tokens per
// digest and cost per digest at the configured model's price, for answers as the prompt asks for them (impacts only
// where the text informs them) and for the worst case (every choice × every value, each with a reason and a quote).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createAuditLog } from "../src/audit/auditLog.js";
import type { DigestInput } from "../src/digest/digestInput.js";
import { createDigestService } from "../src/digest/digestService.js";
import { createLlmDigester } from "../src/digest/llmDigester.js";
import { splitSentences } from "../src/digest/offline/sentences.js";
import { jobCatalog } from "../src/jobs/jobCatalog.js";
import { createJobQueue } from "../src/jobs/jobQueue.js";
import { createMessagesProvider } from "../src/llm/messagesProvider.js";
import { PRICES_READ_ON, priceOf } from "../src/llm/prices.js";
import { loadPromptSet } from "../src/llm/promptFiles.js";
import { type FixtureName, fixtureInput, fixturePath } from "../test/digest/support/fixtures.js";
import { editProposal, seedProposal, seedSpace } from "../test/digest/support/seed.js";
import { type FakeReply, jsonReply, type ReceivedRequest, startFakeAnthropicApi } from "../test/fakes/anthropicApi.js";
import { benchEngines, openBenchDatabase } from "./benchDatabase.js";
import type { BenchFigure } from "./benchFigure.js";

const PROPOSALS = 100;
const EDITED = 20;
const SPACES = 5;
const MEMBERS = 1_000;
const BASES: readonly FixtureName[] = ["harbor-hip-42", "lumen-lip-17", "snapshotjs-yip-63"];

type AnswerSize = "as prompted" | "full matrix";
/** Issue 5: at most this much per digest on a Sonnet-class model. */
const GOAL_USD = 0.02;

/** Prints the figures for both answer sizes, on the first benchmarked engine, and returns them with issue 5's goals. */
export async function run(): Promise<BenchFigure[]> {
  const model = process.env.LLM_MODEL || "claude-sonnet-5-5";
  const price = priceOf(model);
  if (!price) throw new Error(`No price for ${model}; set LLM_MODEL to a priced model`);
  console.log(
    `model: ${model} at $${price.inputPerMillion}/$${price.outputPerMillion} per million tokens (read ${PRICES_READ_ON})`,
  );
  const [engine = "pglite"] = await benchEngines();
  const figures: BenchFigure[] = [];
  for (const size of ["as prompted", "full matrix"] as const) figures.push(...(await measure(engine, model, size)));
  return figures;
}

async function measure(engine: "postgres" | "pglite", model: string, size: AnswerSize): Promise<BenchFigure[]> {
  const bench = await openBenchDatabase(engine);
  const api = await startFakeAnthropicApi({ responder: answerer(size) });
  const queue = createJobQueue({ sql: bench.db.sql, catalog: jobCatalog, onError: (e) => console.error(e) });
  try {
    await queue.start();
    const prisma = bench.db.prisma;
    const llm = createMessagesProvider({
      kind: "anthropic",
      baseUrl: api.url,
      apiKey: "bench",
      model,
      timeoutMs: 10_000,
      maxRetries: 2,
    });
    const digester = createLlmDigester({ llm, prompt: await loadPromptSet("digest", "v1") });
    const service = createDigestService({ prisma, audit: createAuditLog({ prisma }), digester, jobs: queue });

    const spaceIds = await Promise.all(
      Array.from({ length: SPACES }, (_, i) => seedSpace(prisma, fixtureInput("harbor-hip-42"), `bench-${i}.eth`)),
    );
    await seedMembers(prisma, spaceIds);
    const first: { proposalId: string; proposalVersionId: string }[] = [];
    const inputs: DigestInput[] = [];
    for (let i = 0; i < PROPOSALS; i++) {
      const input = numbered(fixtureInput(BASES[i % BASES.length] as FixtureName), i);
      const seeded = await seedProposal(prisma, input, { spaceId: spaceIds[i % SPACES] });
      first.push({ proposalId: seeded.proposalId, proposalVersionId: seeded.versionId });
      inputs.push(input);
    }

    const started = performance.now();
    const outcomes = new Map<string, number>();
    // Every job delivered twice (a watcher's repeat, a redelivery after a crash): the second must cost nothing.
    const runTwice = async (jobs: readonly { proposalId: string; proposalVersionId: string }[]) => {
      for (const job of [...jobs, ...jobs]) {
        const result = await service.digestVersion(job);
        outcomes.set(result.status, (outcomes.get(result.status) ?? 0) + 1);
      }
    };
    await runTwice(first);
    // Then some proposals are edited: each new version is digested once, and a late job for an old one costs nothing.
    const edits: { proposalId: string; proposalVersionId: string }[] = [];
    for (let i = 0; i < EDITED; i++) {
      const job = first[i] as { proposalId: string };
      const body = `${inputs[i]?.proposal.body ?? ""}\n\nEdit: a typo fixed.`;
      edits.push({ proposalId: job.proposalId, proposalVersionId: await editProposal(prisma, job.proposalId, body) });
    }
    await runTwice([...edits, ...first.slice(0, EDITED)]);
    const jobs = [...first, ...edits, ...first.slice(0, EDITED)];
    const elapsed = performance.now() - started;

    const versions = await prisma.proposalVersion.count();
    const digests = await prisma.digest.findMany();
    const calls = await prisma.llmCall.count();
    const avg = (f: (d: (typeof digests)[number]) => number) => digests.reduce((s, d) => s + f(d), 0) / digests.length;
    const costs = digests.map((d) => d.costUsd.toNumber()).sort((a, b) => a - b);
    console.log(`answers ${size} (${bench.label})`);
    console.log(
      `  ${PROPOSALS} proposals, ${versions} versions, ${MEMBERS} members, ${jobs.length * 2} job runs ` +
        `(${[...outcomes].map(([s, n]) => `${n} ${s}`).join(", ")}) in ${(elapsed / 1_000).toFixed(1)} s`,
    );
    console.log(
      `  LLM calls: ${calls} (${(calls / versions).toFixed(2)} per version; goal 1), HTTP requests: ${api.requests.length}`,
    );
    console.log(
      `  tokens per digest: input ${avg((d) => d.inputTokens).toFixed(0)}, output ${avg((d) => d.outputTokens).toFixed(0)}, ` +
        `cache read ${avg((d) => d.cacheReadTokens).toFixed(0)}, cache write ${avg((d) => d.cacheWriteTokens).toFixed(0)}`,
    );
    console.log(
      `  cost per digest: mean $${avg((d) => d.costUsd.toNumber()).toFixed(4)}, max $${(costs.at(-1) ?? 0).toFixed(4)} ` +
        `(goal ≤ $0.02); ${digests.filter((d) => d.flagged || d.unreliable).length} digests flagged or unreliable`,
    );
    const mean = avg((d) => d.costUsd.toNumber());
    const max = costs.at(-1) ?? 0;
    const answers = `answers ${size}, ${model}`;
    return [
      {
        figure: `LLM calls per proposal version, every job run twice (${answers})`,
        goal: "exactly 1",
        measured: (calls / versions).toFixed(2),
        met: calls === versions,
      },
      {
        figure: `Tokens per digest, input / output (${answers})`,
        goal: "—",
        measured: `${avg((d) => d.inputTokens).toFixed(0)} / ${avg((d) => d.outputTokens).toFixed(0)}`,
        met: null,
      },
      {
        figure: `Cost per digest, mean (${answers})`,
        goal: `≤ $${GOAL_USD}`,
        measured: `$${mean.toFixed(4)}`,
        met: mean <= GOAL_USD,
      },
      {
        figure: `Cost per digest, max (${answers})`,
        goal: `≤ $${GOAL_USD}`,
        measured: `$${max.toFixed(4)}`,
        met: max <= GOAL_USD,
      },
    ];
  } finally {
    await queue.stop(5_000);
    await api.close();
    await bench.drop();
  }
}

/** Each bench proposal its own id and title; the text (and so the recorded answer) is its base fixture's. */
function numbered(input: DigestInput, i: number): DigestInput {
  return {
    ...input,
    proposal: { ...input.proposal, id: `${input.proposal.id}-${i}`, title: `${input.proposal.title} (#${i})` },
  };
}

async function seedMembers(prisma: Awaited<ReturnType<typeof openBenchDatabase>>["db"]["prisma"], spaceIds: string[]) {
  await prisma.member.createMany({
    data: Array.from({ length: MEMBERS }, (_, i) => ({
      discordUserId: `bench-${i}`,
      agentIndex: i,
      agentAddress: `0x${i.toString(16).padStart(40, "0")}`,
    })),
  });
  const members = await prisma.member.findMany({ select: { id: true } });
  await prisma.valueProfile.createMany({
    data: members.map((m, i) => ({
      memberId: m.id,
      spaceId: spaceIds[i % spaceIds.length] as string,
      version: 1,
      statement: "Security first, then prudent spending.",
      weights: { security_risk: 5, treasury_prudence: 3 },
      rules: [],
      taxonomyVersion: 1,
      compiledBy: "bench",
      confirmedAt: new Date(),
    })),
  });
}

/** Answers each request with the recorded digest of its base proposal, or that digest grown to the full matrix. */
function answerer(size: AnswerSize): (request: ReceivedRequest) => FakeReply {
  const recorded = new Map(
    BASES.map((name) => [
      name,
      JSON.parse(readFileSync(fixturePath("recorded", name), "utf8")) as Record<string, unknown>,
    ]),
  );
  return (request) => {
    const base = BASES.find((name) =>
      request.userText.includes(
        fixtureInput(name)
          .proposal.body.slice(0, 60)
          .replace(/[^\S\r\n]+/g, "\u02c6"),
      ),
    );
    if (!base) return { kind: "error", status: 400, errorType: "invalid_request_error", message: "unknown proposal" };
    const answer = recorded.get(base) as Record<string, unknown>;
    return jsonReply(size === "as prompted" ? answer : fullMatrix(answer, fixtureInput(base)));
  };
}

function fullMatrix(answer: Record<string, unknown>, input: DigestInput): Record<string, unknown> {
  const sentences = splitSentences(input.proposal.body).map((s) => s.text.slice(0, 160));
  const choices = input.proposal.choices
    .map((label, i) => ({ label, n: i + 1 }))
    .filter((c) => !/abstain/i.test(c.label));
  const impacts = input.taxonomy.flatMap((dimension, d) =>
    choices.map((choice) => ({
      choice: choice.n,
      dimension: dimension.id,
      impact: choice.n === 1 ? 1 : -1,
      reason: `How choosing "${choice.label}" bears on ${dimension.name.toLowerCase()}, in one line of about this length.`,
      evidence: { quote: sentences[d % sentences.length] ?? input.proposal.title, source: { kind: "proposal" } },
    })),
  );
  return { ...answer, impacts };
}

// `tsx bench/digest.ts` runs it alone.
if (resolve(process.argv[1] ?? "") === resolve(import.meta.filename)) console.table(await run());
