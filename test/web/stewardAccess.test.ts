// The web view's access rules over HTTP, without a browser: who may sign in, with which links, and what each steward
// may then see. A real server over a real database; requests are made as a browser would make them.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../src/config/secret.js";
import { LOGIN_LINK_TTL_MS, signLoginLink } from "../../src/web/loginLink.js";
import { createRateLimiter } from "../../src/web/loginRateLimiter.js";
import { createTestDatabase, type TestDatabase } from "../support/testDatabase.js";
import {
  NOBODY,
  PRIVATE_STATEMENT,
  PUBLIC_STATEMENT,
  type Seeded,
  STEWARD_A,
  STEWARD_B,
  seedStewardData,
} from "./seedStewardData.js";
import { type RunningStewardWeb, startStewardWeb } from "./stewardWebServer.js";

let t: TestDatabase;
let seeded: Seeded;
let web: RunningStewardWeb;
beforeAll(async () => {
  t = await createTestDatabase();
  seeded = await seedStewardData(t.db.prisma, 60);
  // Generous here: these tests sign in many times from one address; the limit has its own test below.
  web = await startStewardWeb(t.db, { loginLimiter: createRateLimiter({ burst: 1_000, perMinute: 1_000 }) });
});
afterAll(async () => {
  await web?.close();
  await t?.drop();
});

const origin = () => new URL(web.url).origin;

/** Posts a sign-in form as the browser does from the GET /login page. */
function postLogin(token: string, headers: Record<string, string> = {}) {
  return fetch(`${web.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: origin(), ...headers },
    body: new URLSearchParams({ link: token }),
  });
}

const tokenOf = (link: string) => new URL(link).searchParams.get("link") ?? "";

async function signIn(user: string): Promise<string> {
  const response = await postLogin(tokenOf(web.linkFor(user)));
  expect(response.status).toBe(303);
  const cookie = response.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0] ?? "";
}

const get = (path: string, cookie?: string) => fetch(`${web.url}${path}`, { headers: cookie ? { cookie } : {} });

describe("signing in", () => {
  it("shows a sign-in button for a genuine link without using it, then signs in once with it", async () => {
    const link = web.linkFor(STEWARD_A);
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const page = await shown.text();
    expect(page).toContain("Sign in to Tribune");
    expect(page).toContain(STEWARD_A);
    // A chat app previewing the link fetched it; it still works.
    expect((await fetch(link)).status).toBe(200);

    const response = await postLogin(tokenOf(link));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/audit");
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^tribune_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);

    const again = await postLogin(tokenOf(link));
    expect(again.status).toBe(410);
    expect(await again.text()).toContain("already been used");
    expect((await fetch(link)).status).toBe(410);
  });

  it("keeps only hashes of link nonces and session tokens", async () => {
    const link = web.linkFor(STEWARD_A);
    const token = tokenOf(link);
    const response = await postLogin(token);
    const session = (response.headers.get("set-cookie") ?? "").split(";")[0]?.split("=")[1] ?? "";
    const nonce = token.split(".")[3] ?? "";
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    const sessions = await t.db.prisma.webSession.findMany();
    const nonces = await t.db.prisma.webLoginNonce.findMany();
    expect(sessions.some((s) => s.tokenHash === sha(session))).toBe(true);
    expect(nonces.some((n) => n.nonceHash === sha(nonce))).toBe(true);
    const stored = JSON.stringify([sessions, nonces]);
    expect(stored).not.toContain(session);
    expect(stored).not.toContain(nonce);
    expect(stored).not.toContain(web.secret.reveal());
  });

  it("refuses expired, forged, altered and cut-off links with their own pages", async () => {
    const expired = web.linkFor(STEWARD_A, new Date(Date.now() - LOGIN_LINK_TTL_MS - 1_000));
    const forged = signLoginLink({
      secret: new Secret("not-the-server-secret-but-just-as-long-000"),
      baseUrl: web.url,
      discordUserId: STEWARD_A,
    });
    const genuine = tokenOf(web.linkFor(STEWARD_B));
    const [v, , expiry, nonce, mac] = genuine.split(".");
    const altered = [v, Buffer.from(STEWARD_A).toString("base64url"), expiry, nonce, mac].join(".");
    const cases: [string, number, string][] = [
      [tokenOf(expired), 410, "has expired"],
      [tokenOf(forged), 400, "was altered, or was not issued by this Tribune"],
      [altered, 400, "was altered, or was not issued by this Tribune"],
      [genuine.slice(0, 40), 400, "is incomplete"],
    ];
    for (const [token, status, words] of cases) {
      for (const response of [
        await fetch(`${web.url}/login?link=${encodeURIComponent(token)}`),
        await postLogin(token),
      ]) {
        expect(response.status).toBe(status);
        const body = await response.text();
        expect(body).toContain(words);
        expect(body).not.toContain(token);
        expect(response.headers.get("set-cookie")).toBeNull();
      }
    }
  });

  it("refuses a genuine link whose holder stewards nothing", async () => {
    const response = await postLogin(tokenOf(web.linkFor(NOBODY)));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("not a steward");
  });

  it("refuses a sign-in posted from another site (login CSRF)", async () => {
    const token = tokenOf(web.linkFor(STEWARD_A));
    expect((await postLogin(token, { origin: "https://evil.example" })).status).toBe(403);
    expect((await postLogin(token, { origin: "null" })).status).toBe(403);
    expect((await postLogin(token, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    // Refused before the link was spent: it still signs in from the right page.
    expect((await postLogin(token)).status).toBe(303);
  });

  it("limits sign-in attempts per address", async () => {
    const limited = await startStewardWeb(t.db, { loginLimiter: createRateLimiter({ burst: 3, perMinute: 1 }) });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/login?link=nonsense`)).status);
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
      const response = await fetch(limited.linkFor(STEWARD_A));
      expect(response.status).toBe(429);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it("says the view is off when no signing secret is configured", async () => {
    const off = await startStewardWeb(t.db, { signingSecret: null });
    try {
      const response = await fetch(`${off.url}/audit`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("WEB_SIGNING_SECRET");
      expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});

describe("what a signed-in steward sees", () => {
  it("sends everyone else to sign in", async () => {
    for (const path of [
      "/audit",
      "/audit/export.csv",
      `/spaces/${seeded.spaceA}`,
      `/proposals/${seeded.proposalA}`,
      "/verify",
    ]) {
      const response = await get(path);
      expect(response.status).toBe(401);
      expect(await response.text()).toContain("/audit command");
    }
    expect((await get("/audit", "tribune_session=made-up-token-that-is-43-characters-long-xx")).status).toBe(401);
  });

  it("shows a steward only their own spaces' entries, pages, proposals and exports", async () => {
    const cookie = await signIn(STEWARD_A);
    const audit = await (await get("/audit", cookie)).text();
    expect(audit).toContain("Aave");
    expect(audit).not.toContain("space B only");

    expect((await get(`/spaces/${seeded.spaceA}`, cookie)).status).toBe(200);
    expect((await get(`/proposals/${seeded.proposalA}`, cookie)).status).toBe(200);
    const foreignSpace = await get(`/spaces/${seeded.spaceB}`, cookie);
    const foreignProposal = await get(`/proposals/${seeded.proposalB}`, cookie);
    const missing = await get("/proposals/no-such-proposal", cookie);
    expect((await get("/proposals/%E0%A4%A", cookie)).status).toBe(404);
    expect([foreignSpace.status, foreignProposal.status, missing.status]).toEqual([404, 404, 404]);
    // A foreign proposal and a missing one are told apart by nothing.
    expect((await foreignProposal.text()).replace(/\s+/g, " ")).toBe((await missing.text()).replace(/\s+/g, " "));

    const filtered = await (await get(`/audit?space=${seeded.spaceB}`, cookie)).text();
    expect(filtered).toContain("not one of yours");
    expect(filtered).not.toContain("space B only");

    const csv = await (await get("/audit/export.csv", cookie)).text();
    expect(csv).not.toContain(seeded.spaceB);
    const json = (await (await get("/audit/export.json", cookie)).json()) as { entries: { spaceId: string | null }[] };
    expect(json.entries.length).toBe(seeded.visibleToA.length);
    expect(json.entries.every((e) => e.spaceId === seeded.spaceA || e.spaceId === null)).toBe(true);

    const other = await signIn(STEWARD_B);
    expect((await get(`/proposals/${seeded.proposalA}`, other)).status).toBe(404);
    expect(await (await get("/audit", other)).text()).toContain("space B only");
  });

  it("stops showing a space the moment its stewardship is revoked", async () => {
    const cookie = await signIn(STEWARD_B);
    await t.db.prisma.steward.deleteMany({ where: { discordUserId: STEWARD_B } });
    try {
      const response = await get("/audit", cookie);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("not a steward of any space");
    } finally {
      await t.db.prisma.steward.create({
        data: { discordUserId: STEWARD_B, spaceId: seeded.spaceB, grantedBy: "test" },
      });
    }
  });

  it("hides a private member's profile details on every page and export", async () => {
    const cookie = await signIn(STEWARD_A);
    const pages = [
      await (await get("/audit?action=decision.made", cookie)).text(),
      await (await get("/audit/export.csv?action=decision.made", cookie)).text(),
      await (await get("/audit/export.json", cookie)).text(),
      await (await get(`/proposals/${seeded.proposalA}`, cookie)).text(),
    ];
    for (const page of pages) {
      expect(page).not.toContain(PRIVATE_STATEMENT);
    }
    expect(pages[0]).toContain(PUBLIC_STATEMENT);
    expect(pages[0]).toContain("value profile is private");
    expect(pages[3]).toContain("private profile");
  });

  it("signs out only with the session's CSRF token from this origin", async () => {
    const cookie = await signIn(STEWARD_A);
    const page = await (await get("/audit", cookie)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    expect(csrf).not.toBe("");
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${web.url}/logout`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: origin(), ...headers },
        body: new URLSearchParams(body),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ csrf: `${csrf.slice(0, -1)}x` })).status).toBe(403);
    expect((await post({ csrf }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await get("/audit", cookie)).status).toBe(200);

    const out = await post({ csrf });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await get("/audit", cookie)).status).toBe(401);
  });

  it("refuses verification posted without the session's CSRF token", async () => {
    const cookie = await signIn(STEWARD_A);
    const response = await fetch(`${web.url}/verify`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: origin() },
      body: "csrf=wrong",
    });
    expect(response.status).toBe(403);
    const wrongType = await fetch(`${web.url}/verify`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: origin() },
      body: "{}",
    });
    expect(wrongType.status).toBe(415);
  });

  it("sends security headers: a CSP without inline scripts or styles, no framing, no sniffing", async () => {
    const cookie = await signIn(STEWARD_A);
    for (const response of [await get("/audit", cookie), await get("/login?link=x"), await get("/nowhere")]) {
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toMatch(/script-src/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
    const page = await (await get("/audit", cookie)).text();
    expect(page).not.toMatch(/<script|style="| on[a-z]+="/i);
    expect(web.errors).toEqual([]);
  });
});
