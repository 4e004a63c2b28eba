// A real web server with the stewards' view over a test database, and a way to mint links as /audit would.
import { randomBytes } from "node:crypto";
import { createAuditLog } from "../../src/audit/auditLog.js";
import { Secret } from "../../src/config/secret.js";
import type { Database } from "../../src/db/database.js";
import { healthzRoute } from "../../src/web/healthRoutes.js";
import { signLoginLink } from "../../src/web/loginLink.js";
import type { RateLimiter } from "../../src/web/loginRateLimiter.js";
import { createStewardWeb } from "../../src/web/stewardWeb.js";
import { createWebServer } from "../../src/web/webServer.js";

export interface RunningStewardWeb {
  url: string;
  secret: Secret;
  /** A signed link for `discordUserId`, issued at `now` (default: now). */
  linkFor(discordUserId: string, now?: Date): string;
  /** Errors the server logged (a test that expects none checks this). */
  errors: unknown[];
  close(): Promise<void>;
}

export async function startStewardWeb(
  db: Database,
  options: { loginLimiter?: RateLimiter; signingSecret?: Secret | null } = {},
): Promise<RunningStewardWeb> {
  const secret = new Secret(randomBytes(24).toString("hex"));
  const signingSecret = options.signingSecret === null ? undefined : (options.signingSecret ?? secret);
  const errors: unknown[] = [];
  const server = createWebServer({
    routes: [
      healthzRoute,
      ...createStewardWeb({
        prisma: db.prisma,
        sql: db.sql,
        audit: createAuditLog({ prisma: db.prisma }),
        signingSecret,
        loginLimiter: options.loginLimiter,
      }),
    ],
    onError: (error) => errors.push(error),
  });
  const url = await server.listen(0, "127.0.0.1");
  return {
    url,
    secret,
    linkFor: (discordUserId, now) => signLoginLink({ secret, baseUrl: url, discordUserId, now }),
    errors,
    close: () => server.close(),
  };
}
