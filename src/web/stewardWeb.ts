import type { AuditLog } from "../audit/auditLog.js";
import type { Secret } from "../config/secret.js";
import type { SqlRunner } from "../db/sqlRunner.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { createAuditReader } from "./auditReader.js";
import { auditRoutes } from "./auditRoutes.js";
import { messagePage } from "./layout.js";
import { createRateLimiter, type RateLimiter } from "./loginRateLimiter.js";
import { loginRoutes } from "./loginRoutes.js";
import { redirect, sendPage } from "./pageResponse.js";
import { RequestBodyError } from "./requestBody.js";
import { createSessionStore } from "./sessionStore.js";
import { spaceRoutes } from "./spaceRoutes.js";
import { createStewardGate } from "./stewardGate.js";
import { createStewardRegistry } from "./stewardRegistry.js";
import { STYLESHEET } from "./stylesheet.js";
import { verifyRoutes } from "./verifyRoutes.js";
import type { Route } from "./webServer.js";

export interface StewardWebOptions {
  prisma: PrismaClient;
  sql: SqlRunner;
  audit: AuditLog;
  /** WEB_SIGNING_SECRET; without it no link can be checked, and the view says how to turn it on. */
  signingSecret: Secret | undefined;
  /** PUBLIC_URL, if known: https there means Secure cookies and HSTS, and its host is accepted as this origin. */
  publicUrl?: string | undefined;
  /** Sign-in attempts per client address (default: 10 at once, then 10 a minute). */
  loginLimiter?: RateLimiter;
  clock?: () => Date;
}

/**
 * The stewards' web view, as routes for `createWebServer`: sign-in by signed link, /audit with its exports,
 * /spaces, /proposals/:id and /verify, plus the stylesheet. Put the health routes first; these take only their paths.
 */
export function createStewardWeb(options: StewardWebOptions): Route[] {
  const assets: Route[] = [stylesheetRoute, homeRoute];
  const { signingSecret } = options;
  if (!signingSecret) return [...assets, disabledRoute];
  const clock = options.clock ?? (() => new Date());
  const secure = options.publicUrl?.startsWith("https://") ?? false;
  const sessions = createSessionStore({ prisma: options.prisma, secret: signingSecret, clock });
  const stewards = createStewardRegistry({ prisma: options.prisma, audit: options.audit });
  const gate = createStewardGate({ sessions, stewards, secure, publicUrl: options.publicUrl });
  const limiter = options.loginLimiter ?? createRateLimiter({ burst: 10, perMinute: 10 });
  const reader = createAuditReader({ sql: options.sql });
  return [
    ...assets,
    ...[
      ...loginRoutes({ secret: signingSecret, sessions, stewards, gate, limiter, secure, clock }),
      ...auditRoutes({ gate, reader, sql: options.sql, secure, clock }),
      ...spaceRoutes({ gate, prisma: options.prisma, sql: options.sql, secure }),
      ...verifyRoutes({ gate, audit: options.audit, secure }),
    ].map(answeringBadBodies),
  ];
}

const STEWARD_PATHS = /^\/(login|logout|audit|spaces|proposals|verify)(\/|$)/;

const stylesheetRoute: Route = (request, response, url) => {
  if (url.pathname !== "/assets/tribune.css" || request.method !== "GET") return false;
  response.writeHead(200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" });
  response.end(STYLESHEET);
  return true;
};

const homeRoute: Route = (request, response, url) => {
  if (url.pathname !== "/" || request.method !== "GET") return false;
  redirect(response, "/audit");
  return true;
};

const disabledRoute: Route = (_request, response, url) => {
  if (!STEWARD_PATHS.test(url.pathname)) return false;
  sendPage(
    response,
    503,
    messagePage("The stewards' view is switched off", [
      "This Tribune has no WEB_SIGNING_SECRET, so it cannot issue or check sign-in links.",
      "Set WEB_SIGNING_SECRET (32 characters or more, e.g. from `openssl rand -hex 32`) and restart.",
    ]),
  );
  return true;
};

/** A form too large or of the wrong type is the sender's mistake (413/415), not a server error. */
function answeringBadBodies(route: Route): Route {
  return async (request, response, url) => {
    try {
      return await route(request, response, url);
    } catch (error) {
      if (!(error instanceof RequestBodyError) || response.headersSent) throw error;
      sendPage(response, error.status, messagePage("Refused", [error.message]));
      return true;
    }
  };
}
