import type { LlmUsage } from "./llmProvider.js";

// The one price table. Cost accounting multiplies a call's usage by it; nothing else in Tribune knows a price.
// Published list prices per million tokens (input/output), read on PRICES_READ_ON. Update the date with the numbers.
// @see https://www.anthropic.com/pricing

/** The day the prices below were read. */
export const PRICES_READ_ON = "2026-11-24";

/** Prompt-cache multipliers of the input price: 5-minute writes cost 1.25×, reads 0.1×. */
export const CACHE_WRITE_MULTIPLIER = 1.25;
export const CACHE_READ_MULTIPLIER = 0.1;

export interface ModelPrice {
  /** US dollars per million input tokens. */
  inputPerMillion: number;
  /** US dollars per million output tokens. */
  outputPerMillion: number;
}

const PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-5-5": { inputPerMillion: 4, outputPerMillion: 20 },
  "claude-sonnet-5-5": { inputPerMillion: 2, outputPerMillion: 10 },
  // "From" price: the lowest published tier, so estimates for Haiku are a floor.
  "claude-haiku-5-5": { inputPerMillion: 0.1, outputPerMillion: 0.5 },
};

/**
 * The price of a model id. Dated snapshots ("claude-sonnet-5-5-20261001") and "-latest" aliases take their family's
 * price; an unknown id has none.
 */
export function priceOf(model: string): ModelPrice | null {
  const exact = PRICES[model];
  if (exact) return exact;
  const family = Object.keys(PRICES)
    .filter((id) => model.startsWith(`${id}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family ? (PRICES[family] ?? null) : null;
}

/** The models the table prices, for error messages. */
export function pricedModels(): string[] {
  return Object.keys(PRICES);
}

/** US dollars for one call's usage at `price`, rounded to the micro-dollar the database keeps. */
export function costOf(usage: LlmUsage, price: ModelPrice | null): number {
  if (!price) return 0;
  const input = price.inputPerMillion / 1_000_000;
  const output = price.outputPerMillion / 1_000_000;
  const dollars =
    usage.inputTokens * input +
    usage.cacheWriteTokens * input * CACHE_WRITE_MULTIPLIER +
    usage.cacheReadTokens * input * CACHE_READ_MULTIPLIER +
    usage.outputTokens * output;
  return Math.round(dollars * 1_000_000) / 1_000_000;
}
