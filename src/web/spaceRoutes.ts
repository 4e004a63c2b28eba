import type { SqlRunner } from "../db/sqlRunner.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { html } from "./html.js";
import { layout, messagePage } from "./layout.js";
import { sendPage } from "./pageResponse.js";
import { proposalPage } from "./proposalPage.js";
import { loadProposalView } from "./proposalView.js";
import { spacePage } from "./spacePage.js";
import { loadSpaceView } from "./spaceView.js";
import type { StewardContext, StewardGate } from "./stewardGate.js";
import type { Route } from "./webServer.js";

export interface SpaceRoutesOptions {
  gate: StewardGate;
  prisma: PrismaClient;
  sql: SqlRunner;
  secure: boolean;
}

const ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/** A path segment as an id, or "" (which no id matches) when its percent-encoding is broken. */
function decodedId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

/** /spaces, /spaces/:id and /proposals/:id, each only for stewards of the space concerned. */
export function spaceRoutes({ gate, prisma, sql, secure }: SpaceRoutesOptions): Route[] {
  // The same answer for "no such thing" and "not yours", so ids of other spaces cannot be probed.
  const notFound = (response: Parameters<Route>[1], steward: StewardContext, what: string): true => {
    sendPage(
      response,
      404,
      messagePage(
        `No such ${what} among your spaces`,
        [`It does not exist, or it belongs to a space you do not steward.`],
        steward.frame,
      ),
      { secure },
    );
    return true;
  };

  const list: Route = async (request, response, url) => {
    if (url.pathname !== "/spaces" || request.method !== "GET") return false;
    const steward = await gate.require(request, response);
    if (!steward) return true;
    sendPage(
      response,
      200,
      layout(
        "Your spaces",
        "spaces",
        steward.frame,
        html`<h1>Your spaces</h1><div class="card"><ul>${steward.spaces.map(
          (s) => html`<li><a href="/spaces/${s.id}">${s.name}</a> <code class="muted">${s.externalId}</code></li>`,
        )}</ul></div>`,
      ),
      { secure },
    );
    return true;
  };

  const space: Route = async (request, response, url) => {
    const match = /^\/spaces\/([^/]+)$/.exec(url.pathname);
    if (!match || request.method !== "GET") return false;
    const steward = await gate.require(request, response);
    if (!steward) return true;
    const id = decodedId(match[1] as string);
    if (!ID.test(id) || !steward.spaces.some((s) => s.id === id)) return notFound(response, steward, "space");
    const view = await loadSpaceView(prisma, sql, id);
    if (!view) return notFound(response, steward, "space");
    sendPage(response, 200, spacePage(steward.frame, view), { secure });
    return true;
  };

  const proposal: Route = async (request, response, url) => {
    const match = /^\/proposals\/([^/]+)$/.exec(url.pathname);
    if (!match || request.method !== "GET") return false;
    const steward = await gate.require(request, response);
    if (!steward) return true;
    const id = decodedId(match[1] as string);
    if (!ID.test(id)) return notFound(response, steward, "proposal");
    // Which space a proposal is in is itself only for that space's stewards: look it up before loading anything.
    const owner = await prisma.proposal.findUnique({ where: { id }, select: { spaceId: true } });
    if (!owner || !steward.spaces.some((s) => s.id === owner.spaceId)) return notFound(response, steward, "proposal");
    const after = url.searchParams.get("decisions");
    const view = await loadProposalView(prisma, sql, id, after && ID.test(after) ? after : null);
    if (!view) return notFound(response, steward, "proposal");
    sendPage(response, 200, proposalPage(steward.frame, view), { secure });
    return true;
  };

  return [list, space, proposal];
}
