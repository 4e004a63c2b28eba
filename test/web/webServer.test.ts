import { afterEach, describe, expect, it } from "vitest";
import { healthzRoute, readyzRoute } from "../../src/web/healthRoutes.js";
import { createWebServer, type WebServer } from "../../src/web/webServer.js";

const servers: WebServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof createWebServer>): Promise<string> {
  const server = createWebServer(...args);
  servers.push(server);
  return server.listen(0, "127.0.0.1");
}

describe("web server", () => {
  it("answers 503 with the failing checks when not ready", async () => {
    const url = await serve({
      routes: [
        readyzRoute(async () => [
          { name: "database", ok: true },
          { name: "migrations", ok: false, detail: "pending: 20260101000000_x" },
        ]),
      ],
      onError: () => undefined,
    });
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      ready: false,
      checks: [
        { name: "database", ok: true },
        { name: "migrations", ok: false, detail: "pending: 20260101000000_x" },
      ],
    });
  });

  it("turns an unexpected error into a 500 with an error id, never a stack", async () => {
    const logged: { error: unknown; errorId: string }[] = [];
    const url = await serve({
      routes: [
        () => {
          throw new Error("secret internals at /srv/tribune/src/x.ts:12");
        },
      ],
      onError: (error, errorId) => logged.push({ error, errorId }),
    });
    const response = await fetch(`${url}/anything`);
    const body = await response.text();
    expect(response.status).toBe(500);
    expect(logged).toHaveLength(1);
    expect(body).toBe(`Something went wrong (error id ${logged[0]?.errorId}).\n`);
    expect(body).not.toContain("internals");
  });

  it("answers 404 for paths no route takes, and refuses a port already taken", async () => {
    const url = await serve({ routes: [healthzRoute], onError: () => undefined });
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const port = Number(new URL(url).port);
    const second = createWebServer({ routes: [], onError: () => undefined });
    await expect(second.listen(port, "127.0.0.1")).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
  });
});
