import type { SqlRunner } from "../db/sqlRunner.js";
import { streamAuditExport } from "./auditExport.js";
import { parseAuditView } from "./auditFilter.js";
import { auditPage } from "./auditPage.js";
import type { AuditReader } from "./auditReader.js";
import { sendPage } from "./pageResponse.js";
import { showEntries } from "./privacyRedaction.js";
import type { StewardGate } from "./stewardGate.js";
import type { Route } from "./webServer.js";

export interface AuditRoutesOptions {
  gate: StewardGate;
  reader: AuditReader;
  sql: SqlRunner;
  secure: boolean;
  pageSize?: number;
  clock?: () => Date;
}

const EXPORT_BATCH = 1_000;
// The list of actions changes only when Tribune learns a new kind of action; a minute old is fresh enough.
const ACTIONS_TTL_MS = 60_000;

/** /audit and its exports (/audit/export.csv, /audit/export.json), for signed-in stewards, scoped to their spaces. */
export function auditRoutes({
  gate,
  reader,
  sql,
  secure,
  pageSize = 50,
  clock = () => new Date(),
}: AuditRoutesOptions): Route[] {
  let actions: { at: number; names: Promise<string[]> } | null = null;
  const actionNames = () => {
    const now = clock().getTime();
    if (!actions || now - actions.at > ACTIONS_TTL_MS) {
      actions = { at: now, names: reader.actions() };
      // A failed read is not kept: the next page load asks again.
      actions.names.catch(() => {
        actions = null;
      });
    }
    return actions.names;
  };

  const page: Route = async (request, response, url) => {
    if (url.pathname !== "/audit" || request.method !== "GET") return false;
    const steward = await gate.require(request, response);
    if (!steward) return true;
    const view = parseAuditView(url.searchParams);
    const problems = [...view.problems];
    if (view.filter.spaceId && !steward.spaces.some((s) => s.id === view.filter.spaceId)) {
      problems.push("That space is not one of yours, so nothing of it is shown.");
    }
    const scope = { spaceIds: steward.spaces.map((s) => s.id) };
    const [found, names] = await Promise.all([reader.page(scope, view.filter, view.position, pageSize), actionNames()]);
    sendPage(
      response,
      200,
      auditPage({
        steward: steward.frame,
        spaces: steward.spaces,
        actions: names,
        filter: view.filter,
        problems,
        page: found,
        entries: await showEntries(sql, found.entries),
      }),
      { secure },
    );
    return true;
  };

  const exportView: Route = async (request, response, url) => {
    const match = /^\/audit\/export\.(csv|json)$/.exec(url.pathname);
    if (!match || request.method !== "GET") return false;
    const steward = await gate.require(request, response);
    if (!steward) return true;
    const { filter } = parseAuditView(url.searchParams);
    const scope = { spaceIds: steward.spaces.map((s) => s.id) };
    await streamAuditExport(response, match[1] as "csv" | "json", {
      filter,
      batches: reader.batches(scope, filter, EXPORT_BATCH),
      show: (rows) => showEntries(sql, rows, 0),
      now: clock(),
    });
    return true;
  };

  return [page, exportView];
}
