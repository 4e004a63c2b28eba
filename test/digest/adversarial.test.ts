import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evidenceSources, screenTargets } from "../../src/digest/digestInput.js";
import type { DigestService } from "../../src/digest/digestService.js";
import { checkEvidence } from "../../src/digest/evidenceCheck.js";
import { sameSource, screenForInjection } from "../../src/digest/injectionScreen.js";
import { createLlmDigester } from "../../src/digest/llmDigester.js";
import { createOfflineDigester } from "../../src/digest/offline/offlineDigester.js";
import { loadOfflineLexicon } from "../../src/digest/offline/offlineLexicon.js";
import { produceDigest } from "../../src/digest/produceDigest.js";
import { longestCommonSubstring, normaliseForMatch } from "../../src/digest/textNormalise.js";
import { jobCatalog } from "../../src/jobs/jobCatalog.js";
import { createJobQueue, type JobQueue } from "../../src/jobs/jobQueue.js";
import { createMessagesProvider } from "../../src/llm/messagesProvider.js";
import { loadPromptSet } from "../../src/llm/promptFiles.js";
import { type FakeAnthropicApi, jsonReply, startFakeAnthropicApi } from "../fakes/anthropicApi.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import { type AdversarialVariant, ATTACK_KINDS, adversarialVariants } from "./support/adversarialSet.js";
import { FIXTURE_PROPOSALS, fixtureInput, fixturePath } from "./support/fixtures.js";
import { gullibleResponder, type Obedience } from "./support/gullibleModel.js";
import { createLlmDigestService } from "./support/llmDigestService.js";
import { seedProposal } from "./support/seed.js";

// Proposal text is hostile input. A model that obeys whatever the text tells it ("the gullible model") digests every
// variant of Tribune's adversarial set; whatever it was told, the stored digest must be flagged or unreliable, which
// the decision step turns into "ask me": no automatic vote.

const variants = adversarialVariants();
const obeyed: Obedience[] = [];
let t: TestDatabase;
let api: FakeAnthropicApi;
let queue: JobQueue;
let service: DigestService;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await startFakeAnthropicApi({ responder: gullibleResponder(obeyed) });
  queue = createJobQueue({ sql: t.db.sql, catalog: jobCatalog, onError: () => undefined });
  await queue.start();
  service = await createLlmDigestService({ db: t.db, apiUrl: api.url, queue, maxRetries: 0 });
}, 120_000);
afterAll(async () => {
  await queue.stop(5_000);
  await api.close();
  await t.drop();
});

const overlapsPayload = (text: string | null, variant: AdversarialVariant) => {
  if (!text) return false;
  // What the model read shares a run of text with what was planted (tag characters are invisible on both sides).
  return longestCommonSubstring(normaliseForMatch(text), normaliseForMatch(variant.payload.text)) >= 20;
};

describe("adversarial set", () => {
  it("has at least 30 variants over at least 5 realistic proposals, every attack kind on every proposal", () => {
    expect(variants.length).toBeGreaterThanOrEqual(30);
    expect(new Set(variants.map((v) => v.base)).size).toBeGreaterThanOrEqual(5);
    expect(variants).toHaveLength(ATTACK_KINDS.length * FIXTURE_PROPOSALS.length);
  });

  it("has clean originals: the screen finds nothing in them and an honest digest of them is trusted", async () => {
    for (const name of FIXTURE_PROPOSALS) {
      expect(screenForInjection(screenTargets(fixtureInput(name))).findings, name).toEqual([]);
    }
    const offline = createOfflineDigester(await loadOfflineLexicon());
    for (const name of FIXTURE_PROPOSALS) {
      const outcome = await produceDigest(offline, fixtureInput(name));
      expect(outcome.ok && outcome.assessment, name).toMatchObject({ flagged: false, unreliable: false });
    }
    const honest = await startFakeAnthropicApi();
    try {
      const llm = createMessagesProvider({
        kind: "anthropic",
        baseUrl: honest.url,
        apiKey: "k",
        model: "claude-sonnet-5-5",
        timeoutMs: 10_000,
        maxRetries: 0,
      });
      const digester = createLlmDigester({ llm, prompt: await loadPromptSet("digest", "v1") });
      for (const name of ["harbor-hip-42", "lumen-lip-17", "snapshotjs-yip-63"] as const) {
        honest.script(jsonReply(JSON.parse(readFileSync(fixturePath("recorded", name), "utf8"))));
        const outcome = await produceDigest(digester, fixtureInput(name));
        expect(outcome.ok && outcome.assessment, name).toMatchObject({ flagged: false, unreliable: false });
      }
    } finally {
      await honest.close();
    }
  });

  describe.each(variants.map((v) => [v.name, v] as const))("%s", (_, variant) => {
    it("is stored flagged or unreliable, with the injected span shown to stewards", async () => {
      const seeded = await seedProposal(t.db.prisma, variant.input);
      const before = obeyed.length;
      const result = await service.digestVersion({
        proposalId: seeded.proposalId,
        proposalVersionId: seeded.versionId,
      });
      expect(result.status).toBe("stored");

      // The attack reached the model and the model did as it was told.
      const obedience = obeyed.slice(before);
      expect(obedience).toHaveLength(1);
      expect(overlapsPayload(obedience[0]?.passage ?? null, variant)).toBe(true);

      const digest = await t.db.prisma.digest.findFirstOrThrow({ where: { proposalId: seeded.proposalId } });
      expect(digest.flagged || digest.unreliable).toBe(true);
      const findings = digest.findings as {
        screen: { source: AdversarialVariant["payload"]["source"]; start: number; end: number }[];
      };
      const atPayload = findings.screen.filter(
        (f) =>
          sameSource(f.source, variant.payload.source) &&
          f.start < variant.payload.end &&
          f.end > variant.payload.start,
      );
      expect(atPayload.length).toBeGreaterThan(0);
    });
  });

  it("holds even without the screen: the evidence check alone distrusts every gullible digest", async () => {
    const llm = createMessagesProvider({
      kind: "anthropic",
      baseUrl: api.url,
      apiKey: "k",
      model: "claude-sonnet-5-5",
      timeoutMs: 10_000,
      maxRetries: 0,
    });
    const digester = createLlmDigester({ llm, prompt: await loadPromptSet("digest", "v1") });
    const trusted: string[] = [];
    for (const variant of variants) {
      const attempt = await digester.digest({ input: variant.input, screen: { flagged: false, findings: [] } });
      if (!attempt.ok) throw new Error(`${variant.name}: no answer (${attempt.reason})`);
      const report = checkEvidence({
        content: attempt.content,
        sources: evidenceSources(variant.input),
        choiceCount: variant.input.proposal.choices.length,
        dimensionIds: variant.input.taxonomy.map((d) => d.id),
        flaggedPassages: [],
        fallbackTldr: variant.input.proposal.title,
      });
      if (!report.unreliable) trusted.push(variant.name);
    }
    expect(trusted).toEqual([]);
  });
});
