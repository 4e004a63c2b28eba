import Anthropic from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { z } from "zod";
import { TribuneError } from "../errors/tribuneError.js";
import { toLlmError } from "./llmError.js";
import type {
  LlmProvider,
  LlmProviderKind,
  LlmUsage,
  StructuredOutcome,
  StructuredRequest,
  SystemBlock,
} from "./llmProvider.js";
import { costOf, type ModelPrice, pricedModels, priceOf } from "./prices.js";

/** Output effort, as the Messages API's `output_config.effort` takes it. */
export type LlmEffort = "low" | "medium" | "high" | "xhigh" | "max";

export interface MessagesProviderOptions {
  kind: LlmProviderKind;
  /** The Anthropic API or an Anthropic-compatible server (Ollama, llama.cpp's llama-server). */
  baseUrl: string;
  /** Revealed only here, where it is handed to the SDK. A local server may need none. */
  apiKey: string | undefined;
  model: string;
  /** Per HTTP attempt. */
  timeoutMs: number;
  /** Retries of transient failures (408, 409, 429, 5xx, 529, timeouts, dropped connections), honouring retry-after. */
  maxRetries: number;
  effort?: LlmEffort;
  /**
   * The price per token. Defaults to the price table's entry for `model`; a local server is free. An Anthropic
   * model the table does not know is refused at construction, so no call goes unaccounted.
   */
  price?: ModelPrice | null;
  /** Test seam for recorded responses; production uses the global fetch. */
  fetch?: typeof fetch;
}

// What Tribune reads of a Messages API answer. The SDK types it, but an Anthropic-compatible server is outside code:
// its answer is checked before anything is taken from it.
// @see https://docs.anthropic.com/en/api/messages
const messageSchema = z.object({
  model: z.string().optional(),
  stop_reason: z.string().nullable(),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  usage: z.looseObject({
    input_tokens: z.number().int().nonnegative(),
    output_tokens: z.number().int().nonnegative(),
    cache_read_input_tokens: z.number().int().nonnegative().nullish(),
    cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
  }),
});
type ReceivedMessage = z.infer<typeof messageSchema>;

/** An Anthropic model the price table does not know: its calls could not be accounted for, so none is made. */
export class UnpricedModelError extends TribuneError {
  constructor(model: string) {
    super(
      "llm.unpriced_model",
      `LLM_MODEL "${model}" has no price in Tribune's price table`,
      `Use one of ${pricedModels().join(", ")}, or add the model's published price to src/llm/prices.ts`,
    );
  }
}

/**
 * A provider over the Messages API through the real SDK: structured output via `output_config.format` (the zod
 * helper), the stable system blocks cached, an explicit timeout and retry bound, and the answer validated again on
 * our side with the same schema, since the API does not enforce every constraint (lengths, ranges).
 */
export function createMessagesProvider(options: MessagesProviderOptions): LlmProvider {
  const price = options.price !== undefined ? options.price : options.kind === "local" ? null : priceOf(options.model);
  if (options.kind === "anthropic" && !price) throw new UnpricedModelError(options.model);
  const client = new Anthropic({
    // A local server usually takes no key, but the SDK would otherwise go looking for credentials on disk.
    apiKey: options.apiKey ?? "no-key",
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    logLevel: "off",
  });

  return {
    kind: options.kind,
    model: options.model,
    needsSchemaInPrompt: options.kind === "local",

    async structured<T>(request: StructuredRequest<T>): Promise<StructuredOutcome<T>> {
      let received: unknown;
      try {
        // create(), not parse(): parse() validates before we can read stop_reason, and reports a schema miss as a
        // generic error. We classify refusal and max_tokens first, then validate with the schema ourselves.
        received = await client.messages.create(
          {
            model: options.model,
            max_tokens: request.maxOutputTokens,
            system: request.system.map(systemBlock),
            messages: [{ role: "user", content: [{ type: "text", text: request.user }] }],
            output_config: {
              format: zodOutputFormat(request.schema),
              ...(options.effort ? { effort: options.effort } : {}),
            },
          },
          { signal: request.signal },
        );
      } catch (error) {
        throw toLlmError(error);
      }
      const message = messageSchema.safeParse(received);
      if (!message.success) {
        throw toLlmError(new Error(`not a Messages API answer: ${z.prettifyError(message.error)}`));
      }
      return classify(message.data, request.schema, price, options.model);
    },
  };
}

function systemBlock(block: SystemBlock): Anthropic.TextBlockParam {
  return block.cache
    ? { type: "text", text: block.text, cache_control: { type: "ephemeral" } }
    : { type: "text", text: block.text };
}

function usageOf(message: ReceivedMessage): LlmUsage {
  return {
    inputTokens: message.usage.input_tokens,
    outputTokens: message.usage.output_tokens,
    cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
  };
}

/**
 * Refusal and truncation come first: their text may not match the schema, and must never be read as an answer.
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
function classify<T>(
  message: ReceivedMessage,
  schema: z.ZodType<T>,
  price: ModelPrice | null,
  configuredModel: string,
): StructuredOutcome<T> {
  const usage = usageOf(message);
  const base = { usage, costUsd: costOf(usage, price), model: message.model ?? configuredModel };
  if (message.stop_reason === "refusal") {
    return { ...base, ok: false, reason: "refusal", detail: "the model declined to answer" };
  }
  if (message.stop_reason === "max_tokens") {
    return { ...base, ok: false, reason: "max_tokens", detail: "the answer was cut off (max_tokens)" };
  }
  // Kept apart from max_tokens: the input itself filled the window, so the same request would be cut off again.
  if (message.stop_reason === "model_context_window_exceeded") {
    return {
      ...base,
      ok: false,
      reason: "context_window",
      detail: "the answer was cut off (model_context_window_exceeded): the input leaves no room for it",
    };
  }
  const text = message.content
    .filter((block) => block.type === "text")
    .map((block) => block.text ?? "")
    .join("");
  if (text.trim() === "") {
    return { ...base, ok: false, reason: "no_output", detail: `no text in the answer (stop: ${message.stop_reason})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ...base, ok: false, reason: "schema_miss", detail: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    return { ...base, ok: false, reason: "schema_miss", detail: issues.join("; ") };
  }
  return { ...base, ok: true, value: parsed.data };
}
