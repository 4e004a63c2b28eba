import type { ServerResponse } from "node:http";
import type { SafeHtml } from "./html.js";

/**
 * What a page may load: its own stylesheet and nothing else. No script at all (the view works without one: filters
 * are forms, rows expand with <details>, charts are inline SVG), and forms post only back here.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export interface PageOptions {
  /** Extra headers (Set-Cookie, Retry-After…). */
  headers?: Record<string, string | string[]>;
  /** HTTPS deployments also get HSTS. */
  secure?: boolean;
}

/** Sends a whole HTML page; never cached, since every page shows one steward's view. */
export function sendPage(response: ServerResponse, status: number, page: SafeHtml, options: PageOptions = {}): void {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": PAGE_CSP,
    ...(options.secure ? { "strict-transport-security": "max-age=31536000" } : {}),
    ...options.headers,
  });
  response.end(page.value);
}

/** 303 See Other: after a form post, the browser fetches `location` with GET. */
export function redirect(response: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  response.writeHead(303, { location, "cache-control": "no-store", ...headers });
  response.end();
}
