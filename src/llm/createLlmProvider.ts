import type { LlmConfig } from "../config/llm.js";
import type { LlmProvider } from "./llmProvider.js";
import { createMessagesProvider, type LlmEffort } from "./messagesProvider.js";

/**
 * The configured model, or null for the offline provider (which is no model: see src/digest/offline). The API key
 * is revealed here, where it is handed to the SDK, and nowhere else.
 */
export function createLlmProvider(config: LlmConfig, extra: { effort?: LlmEffort } = {}): LlmProvider | null {
  if (config.provider === "offline") return null;
  return createMessagesProvider({
    kind: config.provider,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey?.reveal(),
    model: config.model,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    ...(extra.effort ? { effort: extra.effort } : {}),
  });
}
