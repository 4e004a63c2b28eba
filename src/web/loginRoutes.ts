import type { IncomingMessage, ServerResponse } from "node:http";
import type { Secret } from "../config/secret.js";
import { sessionCookie, sessionCookieName } from "./cookies.js";
import { html } from "./html.js";
import { messagePage } from "./layout.js";
import { LOGIN_PATH, type RefusedLink, readLoginToken } from "./loginLink.js";
import type { RateLimiter } from "./loginRateLimiter.js";
import { redirect, sendPage } from "./pageResponse.js";
import { rateLimitedPage, refusedLinkPage } from "./refusedLinkPage.js";
import { readForm } from "./requestBody.js";
import type { SessionStore } from "./sessionStore.js";
import type { StewardGate } from "./stewardGate.js";
import type { StewardRegistry } from "./stewardRegistry.js";
import type { Route } from "./webServer.js";

export interface LoginRoutesOptions {
  secret: Secret;
  sessions: SessionStore;
  stewards: StewardRegistry;
  gate: StewardGate;
  limiter: RateLimiter;
  secure: boolean;
  clock?: () => Date;
}

/**
 * GET /login shows the link's holder a "sign in" button; only the POST it sends uses the link. Chat apps fetch
 * links to preview them, and a GET that used the link would spend it before the steward ever clicked.
 */
export function loginRoutes(options: LoginRoutesOptions): Route[] {
  const { secret, sessions, stewards, gate, limiter, secure, clock = () => new Date() } = options;
  const cookieName = sessionCookieName(secure);

  const refuse = (response: ServerResponse, reason: RefusedLink) => {
    const { status, page } = refusedLinkPage(reason);
    sendPage(response, status, page, { secure });
  };

  function limited(request: IncomingMessage, response: ServerResponse): boolean {
    const decision = limiter.take(request.socket.remoteAddress ?? "unknown");
    if (decision.allowed) return false;
    sendPage(response, 429, rateLimitedPage(decision.retryAfterSeconds), {
      secure,
      headers: { "retry-after": String(decision.retryAfterSeconds) },
    });
    return true;
  }

  /** The link's holder if it is genuine, unexpired and a steward's; otherwise answers with the refusal. */
  async function check(response: ServerResponse, token: string | null) {
    if (!token) return refuse(response, "malformed");
    const read = readLoginToken(secret, token, clock());
    if (!read.ok) return refuse(response, read.reason);
    if ((await stewards.spacesOf(read.discordUserId)).length === 0) return refuse(response, "not_steward");
    return read;
  }

  const showLink: Route = async (request, response, url) => {
    if (url.pathname !== LOGIN_PATH || request.method !== "GET") return false;
    if (limited(request, response)) return true;
    const link = await check(response, url.searchParams.get("link"));
    if (!link) return true;
    if (await sessions.isUsed(link.nonce)) {
      refuse(response, "used");
      return true;
    }
    const minutes = Math.max(1, Math.round((link.expiresAt.getTime() - clock().getTime()) / 60_000));
    sendPage(
      response,
      200,
      messagePage("Sign in to Tribune", [
        html`This link signs in Discord user <code>${link.discordUserId}</code> as a steward. It works once, for about ${minutes} more minute(s).`,
        html`<form method="post" action="${LOGIN_PATH}"><input type="hidden" name="link" value="${url.searchParams.get("link") ?? ""}"><button type="submit">Sign in</button></form>`,
      ]),
      { secure },
    );
    return true;
  };

  const useLink: Route = async (request, response, url) => {
    if (url.pathname !== LOGIN_PATH || request.method !== "POST") return false;
    if (limited(request, response)) return true;
    if (!gate.sameOrigin(request)) {
      // Another site posting a link here would sign the visitor into someone else's session (login CSRF).
      sendPage(response, 403, messagePage("Refused", ["Sign-in must come from Tribune's own sign-in page."]), {
        secure,
      });
      return true;
    }
    const link = await check(response, (await readForm(request)).get("link"));
    if (!link) return true;
    const redeemed = await sessions.redeem(link);
    if (!redeemed.ok) {
      refuse(response, "used");
      return true;
    }
    const maxAge = Math.round((redeemed.expiresAt.getTime() - clock().getTime()) / 1_000);
    redirect(response, "/audit", { "set-cookie": sessionCookie(cookieName, redeemed.token, { maxAge, secure }) });
    return true;
  };

  const signOut: Route = async (request, response, url) => {
    if (url.pathname !== "/logout" || request.method !== "POST") return false;
    const steward = await gate.require(request, response);
    if (!steward) return true;
    if (!gate.allowForm(request, response, steward, await readForm(request))) return true;
    await sessions.revoke(steward.token);
    sendPage(
      response,
      200,
      messagePage("Signed out", [
        "You are signed out of Tribune in this browser. Use /audit in Discord to sign in again.",
      ]),
      { secure, headers: { "set-cookie": sessionCookie(cookieName, "", { maxAge: 0, secure }) } },
    );
    return true;
  };

  return [showLink, useLink, signOut];
}
