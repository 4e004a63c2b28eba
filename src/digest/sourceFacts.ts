import { normaliseForMatch } from "./textNormalise.js";

// The checkable facts in a text: numbers (with amounts' multipliers), dates, times and addresses. The evidence check
// requires every fact in a digest's own words to be among the facts of its sources; the offline summariser uses the
// same extraction to find the money a proposal moves. Facts compare by value ("20k" is "20,000"), never by wording.

export type FactKind = "number" | "date" | "time" | "address";

/** One fact found in a text: `keys` are its possible canonical readings (a date like 1.2.2021 has two). */
export interface Fact {
  kind: FactKind;
  raw: string;
  start: number;
  end: number;
  keys: string[];
  /** Small bare counts (0–10) are not checked: "two options", "3 risks" are the summary's own counting. */
  exempt: boolean;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH =
  "(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?";
const ORDINAL = "(?:st|nd|rd|th)?";

const ADDRESS = /\b0x[0-9a-fA-F]{64}\b|\b0x[0-9a-fA-F]{40}\b/g;
const SHORT_ADDRESS = /\b0x([0-9a-fA-F]{2,10})(?:\.{2,3}|\u2026)([0-9a-fA-F]{2,10})\b/g;
const ENS = /\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.eth\b/gi;
const ISO_DATE = /\b(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])/g;
const NUMERIC_DATE = /\b(\d{1,2})([./])(\d{1,2})\2(\d{4}|\d{2})\b/g;
const MONTH_DAY = new RegExp(`\\b${MONTH}\\s+(\\d{1,2})${ORDINAL}(?!\\d)(?:,?\\s+(\\d{4})\\b)?`, "g");
const DAY_MONTH = new RegExp(`\\b(\\d{1,2})${ORDINAL}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4})\\b)?`, "g");
const MONTH_YEAR = new RegExp(`\\b${MONTH}\\s+(\\d{4})\\b`, "g");
const TIME = /\b([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?\b/g;
const NUMBER =
  /(?<![\w.,])([$€£]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s?(thousand|million|billion|mn|bn|k|m|b)(?![a-z]))?(%?)/gi;

const MULTIPLIERS: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mn: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
};

/** Every fact in `text`, in order of position. Addresses and dates are taken first so their digits are not numbers. */
export function extractFacts(text: string): Fact[] {
  const masked = text.split("");
  const facts: Fact[] = [];
  const take = (pattern: RegExp, read: (m: RegExpExecArray) => Omit<Fact, "raw" | "start" | "end"> | null) => {
    for (const m of masked.join("").matchAll(pattern)) {
      const fact = read(m);
      if (!fact || m.index === undefined) continue;
      const end = m.index + m[0].length;
      facts.push({ ...fact, raw: text.slice(m.index, end), start: m.index, end });
      for (let i = m.index; i < end; i++) masked[i] = " ";
    }
  };
  take(ADDRESS, (m) => ({ kind: "address", keys: [`a:${m[0].toLowerCase()}`], exempt: false }));
  take(SHORT_ADDRESS, (m) => ({
    kind: "address",
    keys: [`ap:${m[1]?.toLowerCase()}|${m[2]?.toLowerCase()}`],
    exempt: false,
  }));
  take(ENS, (m) => ({ kind: "address", keys: [`a:${m[0].toLowerCase()}`], exempt: false }));
  take(ISO_DATE, (m) => dateFact(num(m[1]), num(m[2]), num(m[3])));
  take(NUMERIC_DATE, (m) => {
    const year = m[4]?.length === 2 ? 2000 + num(m[4]) : num(m[4]);
    const readings = [dateKey(year, num(m[1]), num(m[3])), dateKey(year, num(m[3]), num(m[1]))].filter(isString);
    return readings.length > 0 ? { kind: "date", keys: [...new Set(readings)], exempt: false } : null;
  });
  take(MONTH_DAY, (m) => (m[3] ? dateFact(num(m[3]), month(m[1]), num(m[2])) : monthDayFact(month(m[1]), num(m[2]))));
  take(DAY_MONTH, (m) => (m[3] ? dateFact(num(m[3]), month(m[2]), num(m[1])) : monthDayFact(month(m[2]), num(m[1]))));
  take(MONTH_YEAR, (m) => ({ kind: "date", keys: [`ym:${num(m[2])}-${pad(month(m[1]))}`], exempt: false }));
  take(TIME, (m) => ({ kind: "time", keys: [`t:${pad(num(m[1]))}:${m[2]}`], exempt: false }));
  take(NUMBER, (m) => {
    const digits = (m[2] ?? "").replaceAll(",", "");
    const value = Number(`${digits}.${m[3] ?? "0"}`);
    const unit = m[4]?.toLowerCase();
    const scaled = unit ? value * (MULTIPLIERS[unit] ?? 1) : value;
    const bare = !m[1] && !unit && !m[5] && !m[3];
    return { kind: "number", keys: [numberKey(scaled)], exempt: bare && value <= 10 };
  });
  return facts.sort((a, b) => a.start - b.start);
}

/** The facts of a set of source texts, for membership tests. */
export class SourceFacts {
  readonly #keys = new Set<string>();
  readonly #addresses: string[] = [];

  constructor(texts: readonly string[]) {
    for (const text of texts) {
      for (const fact of extractFacts(normaliseForMatch(text))) {
        for (const key of fact.keys) this.#addKey(key);
        if (fact.kind === "number") this.#addBareNumber(fact.raw);
      }
    }
  }

  /** Is the fact (any of its readings) stated by the sources? */
  has(fact: Fact): boolean {
    return fact.keys.some((key) => {
      if (key.startsWith("ap:")) {
        const [prefix, suffix] = key.slice(3).split("|");
        return this.#addresses.some((a) => a.startsWith(`0x${prefix}`) && a.endsWith(suffix ?? ""));
      }
      return this.#keys.has(key);
    });
  }

  /** The facts of `text` the sources do not state (exempt small counts aside). */
  missing(text: string): Fact[] {
    return extractFacts(normaliseForMatch(text)).filter((fact) => !fact.exempt && !this.has(fact));
  }

  #addKey(key: string): void {
    this.#keys.add(key);
    if (key.startsWith("a:0x")) this.#addresses.push(key.slice(2));
    const full = /^d:(\d{4})-(\d{2})-(\d{2})$/.exec(key);
    if (full) {
      // A source's full date also states its month and day, its month, and its year.
      this.#keys.add(`md:${full[2]}-${full[3]}`);
      this.#keys.add(`ym:${full[1]}-${full[2]}`);
      this.#keys.add(numberKey(Number(full[1])));
    }
  }

  // "$5 m" in a source states 5 million, but a summary that says "5" (of something) quotes it too.
  #addBareNumber(raw: string): void {
    const digits = /(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?/.exec(raw);
    if (digits) this.#keys.add(numberKey(Number(`${(digits[1] ?? "").replaceAll(",", "")}.${digits[2] ?? "0"}`)));
  }
}

/** The canonical key of a numeric value: 20000, 20,000.00 and 20k all read "n:20000". */
export function numberKey(value: number): string {
  return `n:${Number(value.toPrecision(12))}`;
}

/** The numeric value a fact's key carries, if it is a number. */
export function numberOf(fact: Fact): number | null {
  const key = fact.keys[0];
  return fact.kind === "number" && key ? Number(key.slice(2)) : null;
}

function dateFact(year: number, monthNumber: number, day: number): Omit<Fact, "raw" | "start" | "end"> | null {
  const key = dateKey(year, monthNumber, day);
  return key ? { kind: "date", keys: [key], exempt: false } : null;
}

function monthDayFact(monthNumber: number, day: number): Omit<Fact, "raw" | "start" | "end"> | null {
  if (monthNumber < 1 || monthNumber > 12 || day < 1 || day > 31) return null;
  return { kind: "date", keys: [`md:${pad(monthNumber)}-${pad(day)}`], exempt: false };
}

function dateKey(year: number, monthNumber: number, day: number): string | null {
  if (monthNumber < 1 || monthNumber > 12 || day < 1 || day > 31 || year < 1970 || year > 2200) return null;
  return `d:${year}-${pad(monthNumber)}-${pad(day)}`;
}

function month(name: string | undefined): number {
  return MONTHS.indexOf((name ?? "").slice(0, 3).toLowerCase()) + 1;
}

function num(value: string | undefined): number {
  return Number(value ?? Number.NaN);
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

function isString(value: string | null): value is string {
  return value !== null;
}
