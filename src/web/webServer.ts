import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TribuneError } from "../errors/tribuneError.js";

/** A route answers a request; returning false means "not mine" and the next route is tried. */
export type Route = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface WebServerOptions {
  routes: readonly Route[];
  /** Unexpected errors from a route: logged with their id; the visitor sees only the id. */
  onError: (error: unknown, errorId: string) => void;
}

export interface WebServer {
  /** Starts listening; resolves with the URL it listens on (port 0 picks a free port). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** The HTTP face of Tribune: health, metrics and (later) the stewards' pages, on plain node:http. */
export function createWebServer({ routes, onError }: WebServerOptions): WebServer {
  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://tribune.local");
    for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) response.setHeader(name, value);
    try {
      for (const route of routes) {
        if (await route(request, response, url)) return;
      }
      sendText(response, 404, "Not found\n");
    } catch (error) {
      const errorId = `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      onError(error, errorId);
      if (!response.headersSent) sendText(response, 500, `Something went wrong (error id ${errorId}).\n`);
      else response.end();
    }
  }

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onListenError = (error: NodeJS.ErrnoException) => {
          server.off("listening", onListening);
          reject(listenError(error, port, host));
        };
        const onListening = () => {
          server.off("error", onListenError);
          const address = server.address() as AddressInfo;
          resolve(`http://${host.includes(":") ? `[${host}]` : host}:${address.port}`);
        };
        server.once("error", onListenError);
        server.once("listening", onListening);
        server.listen(port, host);
      });
    },
    close() {
      return new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

/**
 * Sent with every answer, whatever the route: nothing may frame, sniff or load from these responses. Pages widen the
 * content security policy to what they need (see pageResponse.ts); plain answers need nothing.
 */
export const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts, and the view checks Origin.
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

/** Sends a small plain-text answer. */
export function sendText(
  response: ServerResponse,
  status: number,
  body: string,
  contentType = "text/plain; charset=utf-8",
) {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  response.end(body);
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code === "EADDRINUSE") {
    return new TribuneError(
      "web.port_in_use",
      `Port ${port} on ${host} is already in use`,
      "Stop whatever uses it, or set PORT to a free port (PORT=0 picks one)",
      { cause: error },
    );
  }
  if (error.code === "EACCES") {
    return new TribuneError(
      "web.port_forbidden",
      `Not allowed to listen on port ${port}`,
      "Use a port above 1024 in PORT",
      { cause: error },
    );
  }
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
    return new TribuneError("web.bad_host", `Cannot listen on host ${host}`, "Set HOST to an address of this machine", {
      cause: error,
    });
  }
  return error;
}
