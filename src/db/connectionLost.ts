// Whether a database call failed because the connection went (a PostgreSQL restart, failover, a network cut) rather
// than because of what it asked: the same statement may succeed once the server is back.

/** SQLSTATEs of a server going away: admin_shutdown, crash_shutdown, cannot_connect_now (still starting). */
const SERVER_GOING = new Set(["57P01", "57P02", "57P03"]);
/** Socket errors of a server that is not there (yet), or that dropped the connection. */
const SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);
/** node-postgres's own words for a connection that ended under a query. */
const PG_ENDED = /^Connection terminated|^Client has encountered a connection error|^Connection ended/;

/** True when retrying the same statement on a new connection may succeed. */
export function isConnectionLost(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    // Class 08: connection exceptions (the connection failed or was lost while in use).
    if (code.startsWith("08") || SERVER_GOING.has(code) || SOCKET.has(code)) return true;
  }
  return typeof message === "string" && PG_ENDED.test(message);
}
