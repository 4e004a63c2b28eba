// What a steward asked of the audit log, parsed from the query string of /audit and its exports. Every value is
// bounded and typed here, so the query builder never sees raw input.

/** The filters of an audit view; null means "any". */
export interface AuditFilter {
  spaceId: string | null;
  proposalId: string | null;
  memberId: string | null;
  action: string | null;
  /** Entries at or after this instant (UTC). */
  from: Date | null;
  /** Entries before this instant (UTC). */
  until: Date | null;
  /** Words to find in the entry's canonical JSON (every word, each as a prefix). */
  q: string | null;
}

/** Where a page starts: entries older than `before`, or newer than `after` (keyset on seq, never OFFSET). */
export type AuditPosition = { before: number } | { after: number } | null;

export const EMPTY_FILTER: AuditFilter = {
  spaceId: null,
  proposalId: null,
  memberId: null,
  action: null,
  from: null,
  until: null,
  q: null,
};

export interface ParsedAuditView {
  filter: AuditFilter;
  position: AuditPosition;
  /** What could not be understood, to show above the results (the rest of the filter still applies). */
  problems: string[];
}

const MAX_ID = 200;
const MAX_QUERY = 200;
const MAX_WORDS = 8;

/** Reads filters and position from a URL's query. */
export function parseAuditView(params: URLSearchParams): ParsedAuditView {
  const problems: string[] = [];
  const text = (name: string, label: string): string | null => {
    const value = params.get(name)?.trim() ?? "";
    if (value === "") return null;
    if (value.length > MAX_ID || [...value].some((c) => c.charCodeAt(0) < 0x20)) {
      problems.push(`The ${label} filter is not a valid value and was ignored.`);
      return null;
    }
    return value;
  };
  const time = (name: string, label: string): Date | null => {
    const value = params.get(name)?.trim() ?? "";
    if (value === "") return null;
    const parsed = parseUtc(value);
    if (!parsed) problems.push(`"${label}" must be a date and time (UTC), like 2026-11-24T18:30; it was ignored.`);
    return parsed;
  };
  const q = params.get("q")?.trim() ?? "";
  if (q.length > MAX_QUERY) problems.push(`The search was cut to its first ${MAX_QUERY} characters.`);
  const filter: AuditFilter = {
    spaceId: text("space", "space"),
    proposalId: text("proposal", "proposal"),
    memberId: text("member", "member"),
    action: text("action", "action"),
    from: time("from", "From"),
    until: time("until", "Until"),
    q: q === "" ? null : q.slice(0, MAX_QUERY),
  };
  if (filter.q && searchQuery(filter.q) === null) {
    problems.push("The search has no letters or digits to look for; it was ignored.");
    filter.q = null;
  }
  return { filter, position: parsePosition(params), problems };
}

function parsePosition(params: URLSearchParams): AuditPosition {
  const before = seqParam(params.get("before"));
  if (before !== null) return { before };
  const after = seqParam(params.get("after"));
  return after !== null ? { after } : null;
}

function seqParam(value: string | null): number | null {
  if (!value || !/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n <= 2_147_483_647 ? n : null;
}

/** "2026-11-24T18:30" (what a datetime-local field sends) or a full ISO time; a time without a zone is UTC. */
export function parseUtc(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
    value,
  );
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}.${(m[7] ?? "0").padEnd(3, "0")}${m[8] ?? "Z"}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The search as a PostgreSQL tsquery: each word quoted as a prefix lexeme and all of them required. Only letters,
 * digits and `_ . @ -` survive, so nothing the steward types can be read as tsquery syntax. Null if nothing is left.
 */
export function searchQuery(q: string): string | null {
  const words = q
    .split(/\s+/)
    .map((word) => word.replace(/[^\p{L}\p{N}_.@-]/gu, "").toLowerCase())
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, MAX_WORDS);
  return words.length === 0 ? null : words.map((word) => `'${word}':*`).join(" & ");
}

/** The query string that reproduces a filter (and optionally a position), for links, forms and exports. */
export function auditViewParams(filter: AuditFilter, position: AuditPosition = null): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.spaceId) params.set("space", filter.spaceId);
  if (filter.proposalId) params.set("proposal", filter.proposalId);
  if (filter.memberId) params.set("member", filter.memberId);
  if (filter.action) params.set("action", filter.action);
  if (filter.from) params.set("from", filter.from.toISOString());
  if (filter.until) params.set("until", filter.until.toISOString());
  if (filter.q) params.set("q", filter.q);
  if (position && "before" in position) params.set("before", String(position.before));
  if (position && "after" in position) params.set("after", String(position.after));
  return params;
}
