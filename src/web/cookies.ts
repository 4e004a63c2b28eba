import type { IncomingMessage } from "node:http";

/** The cookies a request carries, by name (the first one wins if a name repeats). */
export function readCookies(request: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (request.headers.cookie ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, pair.slice(at + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  /** Only over HTTPS; required for a `__Host-` name. */
  secure: boolean;
}

/**
 * A session cookie header: HttpOnly (no script can read it), SameSite=Strict (no other site's page can make the
 * browser send it) and Path=/ (the whole view).
 */
export function sessionCookie(name: string, value: string, { maxAge, secure }: CookieOptions): string {
  return [
    `${name}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${maxAge}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/** The cookie's name: the `__Host-` prefix (bound to this exact host, Secure, Path=/) wherever HTTPS allows it. */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-tribune_session" : "tribune_session";
}
