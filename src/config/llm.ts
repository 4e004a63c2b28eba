import { z } from "zod";
import { enumVar, httpUrlVar, intVar, secretVar, stringVar, whenParsed } from "./envFields.js";
import type { Secret } from "./secret.js";

/** The LLM providers: the Anthropic API, an Anthropic-compatible local server, or the offline summariser. */
export const llmProviders = ["anthropic", "local", "offline"] as const;
export type LlmProvider = (typeof llmProviders)[number];

/** How hard the model thinks (the Messages API's `output_config.effort`); unset leaves the model's default. */
export const llmEfforts = ["low", "medium", "high", "xhigh", "max"] as const;

type LlmCommon = {
  /** `LLM_MODEL`. */
  readonly model: string;
  /** `LLM_TIMEOUT_MS`: per request. */
  readonly timeoutMs: number;
  /** `LLM_MAX_RETRIES`: retries of transient failures only. */
  readonly maxRetries: number;
  /** `LLM_EFFORT`: unset means the model's default. */
  readonly effort?: (typeof llmEfforts)[number];
};

/** Which LLM digests proposals; each provider carries exactly what it needs. */
export type LlmConfig =
  | (LlmCommon & { readonly provider: "anthropic"; readonly apiKey: Secret; readonly baseUrl: string })
  | (LlmCommon & { readonly provider: "local"; readonly apiKey: Secret | undefined; readonly baseUrl: string })
  | (LlmCommon & { readonly provider: "offline" });

/** The LLM's variables that hold secrets. */
export const llmSecretVariables = ["ANTHROPIC_API_KEY"] as const;

/** Parses the LLM's variables; `LLM_PROVIDER` defaults to anthropic when a key is set, else offline. */
export const llmSchema = z
  .object({
    LLM_PROVIDER: enumVar(llmProviders, undefined),
    ANTHROPIC_API_KEY: secretVar(),
    ANTHROPIC_BASE_URL: httpUrlVar("https://api.anthropic.com"),
    LLM_BASE_URL: httpUrlVar(undefined),
    LLM_MODEL: stringVar("claude-sonnet-5-5"),
    LLM_TIMEOUT_MS: intVar({ min: 1, max: 3_600_000, fallback: 60_000 }),
    LLM_MAX_RETRIES: intVar({ min: 0, max: 10, fallback: 2 }),
    LLM_EFFORT: enumVar(llmEfforts, undefined),
  })
  .superRefine(
    (env, ctx) => {
      if (env.LLM_PROVIDER === "anthropic" && env.ANTHROPIC_API_KEY === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["ANTHROPIC_API_KEY"],
          message: "is required when LLM_PROVIDER is anthropic (or set ANTHROPIC_API_KEY_FILE)",
        });
      }
      if (env.LLM_PROVIDER === "local" && env.LLM_BASE_URL === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["LLM_BASE_URL"],
          message: "is required when LLM_PROVIDER is local (the Anthropic-compatible server's base URL)",
        });
      }
    },
    { when: whenParsed("LLM_PROVIDER", "ANTHROPIC_API_KEY", "LLM_BASE_URL") },
  )
  .transform((env): LlmConfig => {
    const common: LlmCommon = {
      model: env.LLM_MODEL,
      timeoutMs: env.LLM_TIMEOUT_MS,
      maxRetries: env.LLM_MAX_RETRIES,
      ...(env.LLM_EFFORT ? { effort: env.LLM_EFFORT } : {}),
    };
    const provider = env.LLM_PROVIDER ?? (env.ANTHROPIC_API_KEY ? "anthropic" : "offline");
    if (provider === "offline") return { ...common, provider };
    if (provider === "local") {
      return { ...common, provider, apiKey: env.ANTHROPIC_API_KEY, baseUrl: required(env.LLM_BASE_URL) };
    }
    return { ...common, provider, apiKey: required(env.ANTHROPIC_API_KEY), baseUrl: env.ANTHROPIC_BASE_URL };
  });

// The refinement has already reported a missing value, and a transform never runs after a reported problem.
function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("llm config: a required value passed the refinement unset");
  return value;
}
