import type { LlmConfig } from "../config/llm.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { createLlmProvider } from "../llm/createLlmProvider.js";
import type { LlmEffort } from "../llm/messagesProvider.js";
import { loadPromptSet } from "../llm/promptFiles.js";
import { createLlmProfileCompiler } from "./llmProfileCompiler.js";
import { offlineProfileCompiler } from "./offlineCompiler.js";
import type { ProfileCompiler } from "./profileCompiler.js";

/** The prompt version new profiles are compiled with; a new version is a new folder under prompts/profile/. */
export const PROFILE_PROMPT_VERSION = "v1";

export interface CreateProfileCompilerOptions {
  /** Where each model call is accounted (LlmCall); null where there is no database (the CLI). */
  prisma: PrismaClient | null;
  /** Defaults to the configuration's LLM_EFFORT. */
  effort?: LlmEffort;
}

/** The profile compiler the configuration names: the Anthropic API, a local Anthropic-compatible server, or offline. */
export async function createProfileCompiler(
  config: LlmConfig,
  options: CreateProfileCompilerOptions,
): Promise<ProfileCompiler> {
  const effort = options.effort ?? config.effort;
  const llm = createLlmProvider(config, effort ? { effort } : {});
  if (!llm) return offlineProfileCompiler;
  return createLlmProfileCompiler({
    llm,
    prompt: await loadPromptSet("profile", PROFILE_PROMPT_VERSION),
    prisma: options.prisma,
  });
}
