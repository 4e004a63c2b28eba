import { TribuneError } from "../errors/tribuneError.js";

// Durations as stewards type them: "30s", "15m", "24h", "2d", or combined ("1h30m"). Kept to whole seconds, since the
// veto window is stored in seconds.

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };
const DURATION = /^(?:\d+[smhdw])+$/;

/** Parses a duration into seconds, or a typed error with the accepted forms. */
export function parseDuration(raw: string): number {
  const text = raw.trim().toLowerCase().replace(/\s+/g, "");
  if (!DURATION.test(text)) {
    throw new TribuneError(
      "duration.invalid",
      `"${raw.slice(0, 40)}" is not a duration`,
      'Write it as a number and a unit: "30s", "15m", "24h", "2d" (or combined, "1h30m")',
    );
  }
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) {
    seconds += Number(amount) * (UNIT_SECONDS[unit as string] ?? 0);
  }
  return seconds;
}

/** The shortest exact way to write a number of seconds: 90 → "1m30s", 86400 → "1d". */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds <= 0) return "0s";
  let rest = Math.round(totalSeconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * size;
  }
  return parts.join("");
}
