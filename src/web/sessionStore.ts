import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Secret } from "../config/secret.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/** How long a signed-in browser stays signed in: a working day, after which a fresh `/audit` link is needed. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1_000;

/** A signed-in steward's browser, as the pages see it. */
export interface WebSessionInfo {
  id: string;
  discordUserId: string;
  expiresAt: Date;
  /** The token every state-changing form must send back (derived from the session; never stored). */
  csrfToken: string;
}

export type Redeemed = { ok: true; token: string; expiresAt: Date } | { ok: false; reason: "used" };

export interface SessionStore {
  /** Uses a link's nonce (once, ever) and opens a session; `used` if the nonce was used before. */
  redeem(link: { discordUserId: string; nonce: string; expiresAt: Date }): Promise<Redeemed>;
  /** Whether a link's nonce was used already (to say so before the steward presses "sign in"). */
  isUsed(nonce: string): Promise<boolean>;
  /** The live session a cookie token belongs to, or null (unknown, expired or signed out). */
  find(token: string): Promise<WebSessionInfo | null>;
  /** Signs a session out. */
  revoke(token: string): Promise<void>;
  /** Whether a submitted CSRF token belongs to this session. */
  checkCsrf(session: WebSessionInfo, submitted: string | null): boolean;
}

export interface SessionStoreOptions {
  prisma: PrismaClient;
  secret: Secret;
  clock?: () => Date;
  ttlMs?: number;
}

/** Sessions and used-link nonces in the database, by hash only: a database dump signs nobody in. */
export function createSessionStore({
  prisma,
  secret,
  clock = () => new Date(),
  ttlMs = SESSION_TTL_MS,
}: SessionStoreOptions): SessionStore {
  const csrfFor = (tokenHash: string) =>
    createHmac("sha256", secret.reveal()).update(`tribune.web.csrf\n${tokenHash}`).digest("base64url");

  return {
    async redeem({ discordUserId, nonce, expiresAt }) {
      const now = clock();
      const token = randomBytes(32).toString("base64url");
      const sessionExpiresAt = new Date(now.getTime() + ttlMs);
      const opened = await prisma.$transaction(async (tx) => {
        // Old nonces can go once their links have expired: an expired link is refused before this table is read.
        await tx.webLoginNonce.deleteMany({ where: { expiresAt: { lt: now } } });
        await tx.webSession.deleteMany({ where: { expiresAt: { lt: now } } });
        const { count } = await tx.webLoginNonce.createMany({
          data: [{ nonceHash: sha256(nonce), discordUserId, expiresAt, usedAt: now }],
          skipDuplicates: true,
        });
        if (count === 0) return false;
        await tx.webSession.create({
          data: { tokenHash: sha256(token), discordUserId, createdAt: now, expiresAt: sessionExpiresAt },
        });
        return true;
      });
      return opened ? { ok: true, token, expiresAt: sessionExpiresAt } : { ok: false, reason: "used" };
    },

    async isUsed(nonce) {
      return (await prisma.webLoginNonce.count({ where: { nonceHash: sha256(nonce) } })) > 0;
    },

    async find(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
      const tokenHash = sha256(token);
      const row = await prisma.webSession.findUnique({ where: { tokenHash } });
      if (!row || row.revokedAt || row.expiresAt.getTime() <= clock().getTime()) return null;
      return { id: row.id, discordUserId: row.discordUserId, expiresAt: row.expiresAt, csrfToken: csrfFor(tokenHash) };
    },

    async revoke(token) {
      await prisma.webSession.updateMany({
        where: { tokenHash: sha256(token), revokedAt: null },
        data: { revokedAt: clock() },
      });
    },

    checkCsrf(session, submitted) {
      if (!submitted) return false;
      const expected = Buffer.from(session.csrfToken);
      const given = Buffer.from(submitted);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
