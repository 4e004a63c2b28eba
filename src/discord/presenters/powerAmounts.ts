import type { PowerUnit } from "./views.js";

// Voting power arrives as decimal strings: raw token units for a Governor (10^18 per token, far past 2^53) and
// Snapshot's vp (a float written out, "1234.5" or "1.2e+21"). Everything is summed as bigints at one fixed scale, so
// no total is rounded, and only the final text is made friendly ("1.23M").

/** Fractional digits kept below one whole token: enough for any float Snapshot writes and any 18-decimal token. */
export const POWER_SCALE = 18;
const ONE = 10n ** BigInt(POWER_SCALE);
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** A power string in whole tokens × 10^POWER_SCALE; digits below that are cut; null for anything not a number. */
export function parsePower(text: string | null, unit: PowerUnit): bigint | null {
  const m = text === null ? null : DECIMAL.exec(text.trim());
  if (!m) return null;
  const [, whole = "0", fraction = "", exponent = "0"] = m;
  const shift = Number(exponent) - fraction.length - unit.decimals + POWER_SCALE;
  // Far outside any real token amount: a typo or an attack, not power.
  if (Math.abs(shift) > 200) return null;
  const digits = BigInt(whole + fraction);
  return shift >= 0 ? digits * 10n ** BigInt(shift) : digits / 10n ** BigInt(-shift);
}

const SUFFIXES: readonly [bigint, string][] = [
  [10n ** 12n, "T"],
  [10n ** 9n, "B"],
  [10n ** 6n, "M"],
  [10n ** 3n, "k"],
];

/** "1.23M", "12.3k", "987.65", "0.0012", "<0.0001": three significant figures above a thousand, rounded half up. */
export function formatPower(scaled: bigint): string {
  if (scaled < 0n) return `-${formatPower(-scaled)}`;
  if (scaled === 0n) return "0";
  for (const [size, suffix] of SUFFIXES) {
    if (scaled < size * ONE) continue;
    const whole = scaled / ONE / size;
    const decimals = whole >= 100n ? 0 : whole >= 10n ? 1 : 2;
    // Rounding may carry into the next size (999.6k → 1000k): then the next size up reads better.
    const text = fixed(scaled, size * ONE, decimals);
    return text === "1000" && suffix !== "T" ? formatPower(size * 1000n * ONE) : `${text}${suffix}`;
  }
  if (scaled >= ONE) {
    const text = fixed(scaled, ONE, 2);
    return text === "1000" ? "1k" : text;
  }
  const tiny = 10n ** BigInt(POWER_SCALE - 4);
  return scaled < tiny ? "<0.0001" : fixed(scaled, ONE, 4);
}

/** value / unit with `decimals` decimals, rounded half up, trailing zeros dropped. */
function fixed(value: bigint, unit: bigint, decimals: number): string {
  const factor = 10n ** BigInt(decimals);
  const rounded = (value * factor + unit / 2n) / unit;
  const whole = (rounded / factor).toString();
  const fraction = (rounded % factor).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Power with its token symbol when known: "1.23M UNI". */
export function formatPowerWithUnit(scaled: bigint, unit: PowerUnit): string {
  return unit.symbol ? `${formatPower(scaled)} ${unit.symbol.replace(/\s+/g, "").slice(0, 12)}` : formatPower(scaled);
}

/** part of total as a percentage with one decimal ("62.3%"); "<0.1%" for a sliver, "0%" for nothing. */
export function formatShare(part: bigint, total: bigint): string {
  if (total <= 0n || part <= 0n) return "0%";
  const permille = (part * 1000n + total / 2n) / total;
  if (permille === 0n) return "<0.1%";
  const text = `${permille / 10n}${permille % 10n === 0n ? "" : `.${permille % 10n}`}`;
  return `${text}%`;
}

/** A whole count with thousands separators: "1,234". */
export function formatCount(n: number): string {
  return Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
