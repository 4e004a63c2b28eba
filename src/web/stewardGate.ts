import type { IncomingMessage, ServerResponse } from "node:http";
import { readCookies, sessionCookieName } from "./cookies.js";
import { html } from "./html.js";
import type { FrameSteward } from "./layout.js";
import { messagePage } from "./layout.js";
import { sendPage } from "./pageResponse.js";
import type { SessionStore, WebSessionInfo } from "./sessionStore.js";
import type { StewardRegistry, StewardSpace } from "./stewardRegistry.js";

/** A request from a signed-in steward: who they are and the spaces they may see (read afresh on every request). */
export interface StewardContext {
  session: WebSessionInfo;
  spaces: StewardSpace[];
  frame: FrameSteward;
  /** The raw cookie token (for sign-out only). */
  token: string;
}

export interface StewardGate {
  /** The signed-in steward, or null after answering with the page that says why not. */
  require(request: IncomingMessage, response: ServerResponse): Promise<StewardContext | null>;
  /** Whether a state-changing request comes from this view's own pages (the browser's Origin and Fetch headers). */
  sameOrigin(request: IncomingMessage): boolean;
  /**
   * Whether a posted form may act: same origin and carrying the session's CSRF token. If not, answers 403 and
   * returns false.
   */
  allowForm(
    request: IncomingMessage,
    response: ServerResponse,
    steward: StewardContext,
    form: URLSearchParams,
  ): boolean;
}

export interface StewardGateOptions {
  sessions: SessionStore;
  stewards: StewardRegistry;
  /** Served over HTTPS (decides the cookie's name and Secure flag). */
  secure: boolean;
  /** The public address, if known: a proxy may rewrite Host, so its host is accepted as this origin too. */
  publicUrl?: string | undefined;
}

/** Checks sessions and origins for the steward pages. */
export function createStewardGate({ sessions, stewards, secure, publicUrl }: StewardGateOptions): StewardGate {
  const cookieName = sessionCookieName(secure);
  const publicHost = publicUrl ? new URL(publicUrl).host : null;

  function sameOrigin(request: IncomingMessage): boolean {
    // Browsers send Sec-Fetch-Site and Origin on every form post; a page elsewhere cannot forge either.
    const site = request.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin") return false;
    const origin = request.headers.origin;
    if (origin === undefined) return site === "same-origin" || site === undefined;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return false;
    }
    return host === request.headers.host || (publicHost !== null && host === publicHost);
  }

  return {
    async require(request, response) {
      const token = readCookies(request).get(cookieName);
      const session = token ? await sessions.find(token) : null;
      if (!token || !session) {
        sendPage(
          response,
          401,
          messagePage("Sign in to read Tribune's record", [
            "This view is for the stewards of a space. To sign in, use the /audit command in your Discord server: it sends you a link that signs you in once, within 10 minutes.",
            "If you were signed in before, your session has ended (sessions last a working day) or you signed out.",
          ]),
          { secure },
        );
        return null;
      }
      const spaces = await stewards.spacesOf(session.discordUserId);
      const frame = { discordUserId: session.discordUserId, csrfToken: session.csrfToken };
      if (spaces.length === 0) {
        sendPage(
          response,
          403,
          messagePage(
            "You are not a steward of any space",
            [
              html`You are signed in as Discord user <code>${session.discordUserId}</code>, but you steward no space in this Tribune (any more).`,
              "Ask a steward of your space to grant you access again.",
            ],
            frame,
          ),
          { secure },
        );
        return null;
      }
      return { session, spaces, frame, token };
    },

    allowForm(request, response, steward, form) {
      if (sameOrigin(request) && sessions.checkCsrf(steward.session, form.get("csrf"))) return true;
      sendPage(
        response,
        403,
        messagePage(
          "Refused: this form did not come from your session",
          [
            "Tribune acts on a form only when it comes from a page it gave you. Go back, reload the page and try again.",
          ],
          steward.frame,
        ),
        { secure },
      );
      return false;
    },

    sameOrigin,
  };
}
