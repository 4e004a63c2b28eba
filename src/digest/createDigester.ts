import type { LlmConfig } from "../config/llm.js";
import { createLlmProvider } from "../llm/createLlmProvider.js";
import type { LlmEffort } from "../llm/messagesProvider.js";
import { loadPromptSet } from "../llm/promptFiles.js";
import type { Digester } from "./digester.js";
import { createLlmDigester } from "./llmDigester.js";
import { createOfflineDigester } from "./offline/offlineDigester.js";
import { loadOfflineLexicon } from "./offline/offlineLexicon.js";

/** The prompt version new digests are made with; a new version is a new folder under prompts/digest/. */
export const DIGEST_PROMPT_VERSION = "v1";

/** The digester the configuration names: the Anthropic API, a local Anthropic-compatible server, or offline. */
export async function createDigester(config: LlmConfig, options: { effort?: LlmEffort } = {}): Promise<Digester> {
  const llm = createLlmProvider(config, options);
  if (!llm) return createOfflineDigester(await loadOfflineLexicon());
  return createLlmDigester({ llm, prompt: await loadPromptSet("digest", DIGEST_PROMPT_VERSION) });
}
