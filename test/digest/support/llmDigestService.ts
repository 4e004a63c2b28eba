import { createAuditLog } from "../../../src/audit/auditLog.js";
import type { Database } from "../../../src/db/database.js";
import { createDigestService, type DigestService } from "../../../src/digest/digestService.js";
import { createLlmDigester } from "../../../src/digest/llmDigester.js";
import type { JobQueue } from "../../../src/jobs/jobQueue.js";
import { createMessagesProvider } from "../../../src/llm/messagesProvider.js";
import { loadPromptSet } from "../../../src/llm/promptFiles.js";

/** The digest service as production builds it, with the real SDK pointed at a local fake Messages API. */
export async function createLlmDigestService(options: {
  db: Database;
  apiUrl: string;
  queue: JobQueue;
  maxRetries: number;
}): Promise<DigestService> {
  const llm = createMessagesProvider({
    kind: "anthropic",
    baseUrl: options.apiUrl,
    apiKey: "test-key",
    model: "claude-sonnet-5-5",
    timeoutMs: 10_000,
    maxRetries: options.maxRetries,
  });
  return createDigestService({
    prisma: options.db.prisma,
    audit: createAuditLog({ prisma: options.db.prisma }),
    digester: createLlmDigester({ llm, prompt: await loadPromptSet("digest", "v1") }),
    jobs: options.queue,
  });
}
