import type { ServerResponse } from "node:http";
import type { AuditFilter } from "./auditFilter.js";
import type { AuditRow } from "./auditQuery.js";
import type { ShownEntry } from "./privacyRedaction.js";

export type ExportFormat = "csv" | "json";

export interface ExportSource {
  filter: AuditFilter;
  /** The matching rows, newest first, a batch at a time. */
  batches: AsyncIterable<AuditRow[]>;
  /** Hides private profile details in a batch (the export shows no more than the page does). */
  show: (rows: AuditRow[]) => Promise<ShownEntry[]>;
  now: Date;
}

/** How a recipient checks the file, written into every JSON export. */
const HASH_RULE =
  'hash = hex(sha256(prevHash + "\\n" + canonical)); rows with redacted=true hide private profile details, so their ' +
  "canonical no longer matches their hash (Tribune's own verification checks the full entry).";

const CSV_COLUMNS = [
  "seq",
  "at",
  "action",
  "actor",
  "spaceId",
  "proposalId",
  "memberId",
  "hash",
  "prevHash",
  "redacted",
  "canonical",
] as const;

/**
 * Streams every entry of a filtered view as CSV or JSON. One batch is in memory at a time and the next is read only
 * when the client has taken the last (backpressure), so a million rows cost what a thousand do. Each row keeps its
 * canonical bytes, hash and previous hash, so whoever receives the file can recompute every hash in it.
 */
export async function streamAuditExport(
  response: ServerResponse,
  format: ExportFormat,
  source: ExportSource,
): Promise<number> {
  const stamp = source.now.toISOString().replace(/[-:]/g, "").slice(0, 15);
  response.writeHead(200, {
    "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    "content-disposition": `attachment; filename="tribune-audit-${stamp}.${format}"`,
    "cache-control": "no-store",
  });
  let written = 0;
  try {
    const opening =
      format === "csv"
        ? `${CSV_COLUMNS.join(",")}\r\n`
        : `{"exportedAt":${JSON.stringify(source.now.toISOString())},"filter":${JSON.stringify(source.filter)},` +
          `"hashRule":${JSON.stringify(HASH_RULE)},"entries":[`;
    if (!(await write(response, opening))) return written;
    for await (const rows of source.batches) {
      const shown = await source.show(rows);
      let chunk = "";
      for (const entry of shown) {
        chunk += format === "csv" ? csvLine(entry) : `${written === 0 ? "\n" : ",\n"}${jsonLine(entry)}`;
        written += 1;
      }
      if (!(await write(response, chunk))) return written;
    }
    if (format === "json") await write(response, "\n]}\n");
    response.end();
    return written;
  } catch (error) {
    // Headers are gone; destroying the stream makes the browser report a failed download instead of a short file.
    response.destroy();
    throw error;
  }
}

/** Writes a chunk, waiting for the client to drain; false if the client went away. */
async function write(response: ServerResponse, chunk: string): Promise<boolean> {
  if (response.destroyed) return false;
  if (response.write(chunk)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      response.off("drain", onDrain);
      response.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    response.once("drain", onDrain);
    response.once("close", onClose);
  });
}

function csvLine(entry: ShownEntry): string {
  return `${[
    String(entry.seq),
    entry.at,
    csvText(entry.action),
    csvText(entry.actor),
    csvText(entry.spaceId ?? ""),
    csvText(entry.proposalId ?? ""),
    csvText(entry.memberId ?? ""),
    entry.hash,
    entry.prevHash,
    entry.redacted ? "true" : "false",
    csvQuote(entry.shown),
  ].join(",")}\r\n`;
}

/**
 * A text cell: quoted as RFC 4180 asks, and defused if a spreadsheet would read it as a formula (a leading = + - @
 * or control character gets a leading apostrophe). The canonical column is never defused: it always starts with
 * "{", and its bytes must stay exactly what was hashed.
 */
export function csvText(value: string): string {
  return csvQuote(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

function csvQuote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function jsonLine(entry: ShownEntry): string {
  return JSON.stringify({
    seq: entry.seq,
    at: entry.at,
    action: entry.action,
    actor: entry.actor,
    spaceId: entry.spaceId,
    proposalId: entry.proposalId,
    memberId: entry.memberId,
    hash: entry.hash,
    prevHash: entry.prevHash,
    redacted: entry.redacted,
    canonical: entry.shown,
  });
}
