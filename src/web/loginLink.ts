import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Secret } from "../config/secret.js";

// A sign-in link carries who it is for, when it expires and a random nonce, signed with HMAC-SHA256 under the
// server's WEB_SIGNING_SECRET. Nothing is stored when a link is issued (so the Discord `/audit` command needs only
// the secret); the nonce's hash is stored when the link is used, which is what makes it single-use.

/** How long a link may wait before it is used: long enough to switch from Discord to a browser, short if leaked. */
export const LOGIN_LINK_TTL_MS = 10 * 60 * 1_000;
/** The path a link opens; the token travels in the `link` query parameter. */
export const LOGIN_PATH = "/login";

const VERSION = "v1";
// Domain separation: a signature made for a link can never be replayed as some other signed value.
const CONTEXT = "tribune.web.login";

export interface LoginLinkOptions {
  secret: Secret;
  /** Where the web view is reached, e.g. config.web.publicUrl ("https://tribune.example.org"). */
  baseUrl: string;
  discordUserId: string;
  now?: Date;
  ttlMs?: number;
}

/** A fresh signed, single-use sign-in link for one Discord user (used by `tribune steward link` and `/audit`). */
export function signLoginLink({
  secret,
  baseUrl,
  discordUserId,
  now = new Date(),
  ttlMs = LOGIN_LINK_TTL_MS,
}: LoginLinkOptions): string {
  const url = new URL(LOGIN_PATH, baseUrl);
  url.searchParams.set("link", signLoginToken(secret, discordUserId, new Date(now.getTime() + ttlMs)));
  return url.toString();
}

/** The token alone (what goes in `?link=`): `v1.<user>.<expiry seconds>.<nonce>.<signature>`. */
export function signLoginToken(secret: Secret, discordUserId: string, expiresAt: Date): string {
  const body = [
    VERSION,
    Buffer.from(discordUserId, "utf8").toString("base64url"),
    String(Math.floor(expiresAt.getTime() / 1_000)),
    randomBytes(18).toString("base64url"),
  ].join(".");
  return `${body}.${signature(secret, body)}`;
}

/** Why a link was refused; each has its own page, since each asks the steward to do something different. */
export type RefusedLink = "malformed" | "forged" | "expired" | "used" | "not_steward";

export type ReadLoginLink =
  | { ok: true; discordUserId: string; nonce: string; expiresAt: Date }
  | { ok: false; reason: Exclude<RefusedLink, "used" | "not_steward"> };

/** Checks a token's shape, signature and expiry (single use is the session store's job: it needs the database). */
export function readLoginToken(secret: Secret, token: string, now: Date = new Date()): ReadLoginLink {
  const parts = token.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) return { ok: false, reason: "malformed" };
  const [, user, expiry, nonce, mac] = parts as [string, string, string, string, string];
  // A signature of the wrong length is a link cut short (copied in part), not a forgery: say so.
  const wellFormed =
    /^[A-Za-z0-9_-]+$/.test(user) &&
    /^\d{1,12}$/.test(expiry) &&
    /^[A-Za-z0-9_-]{24}$/.test(nonce) &&
    /^[A-Za-z0-9_-]{43}$/.test(mac);
  if (!wellFormed) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(signature(secret, parts.slice(0, 4).join(".")), "base64url");
  const given = Buffer.from(mac, "base64url");
  // Constant time, so the signature cannot be found byte by byte from response times.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "forged" };
  const expiresAt = new Date(Number(expiry) * 1_000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, discordUserId: Buffer.from(user, "base64url").toString("utf8"), nonce, expiresAt };
}

function signature(secret: Secret, body: string): string {
  return createHmac("sha256", secret.reveal()).update(`${CONTEXT}\n${body}`).digest("base64url");
}
