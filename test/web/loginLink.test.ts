import { describe, expect, it } from "vitest";
import { Secret } from "../../src/config/secret.js";
import { LOGIN_LINK_TTL_MS, readLoginToken, signLoginLink, signLoginToken } from "../../src/web/loginLink.js";

const secret = new Secret("a-signing-secret-of-at-least-32-characters");
const now = new Date("2026-11-24T12:00:00.000Z");
const tokenOf = (link: string) => new URL(link).searchParams.get("link") ?? "";

describe("sign-in links", () => {
  it("carries its holder and a 10-minute expiry, signed", () => {
    const link = signLoginLink({
      secret,
      baseUrl: "https://tribune.example.org",
      discordUserId: "80351110224678912",
      now,
    });
    expect(link).toMatch(/^https:\/\/tribune\.example\.org\/login\?link=v1\./);
    const read = readLoginToken(secret, tokenOf(link), now);
    expect(read).toMatchObject({ ok: true, discordUserId: "80351110224678912" });
    expect(read.ok && read.expiresAt.getTime()).toBe(now.getTime() + LOGIN_LINK_TTL_MS);
    expect(link).not.toContain(secret.reveal());
  });

  it("gives every link its own nonce", () => {
    const a = readLoginToken(secret, signLoginToken(secret, "1", new Date(now.getTime() + 60_000)), now);
    const b = readLoginToken(secret, signLoginToken(secret, "1", new Date(now.getTime() + 60_000)), now);
    expect(a.ok && b.ok && a.nonce !== b.nonce).toBe(true);
  });

  it("refuses a link once its 10 minutes are over", () => {
    const token = tokenOf(signLoginLink({ secret, baseUrl: "http://x", discordUserId: "42", now }));
    expect(readLoginToken(secret, token, new Date(now.getTime() + LOGIN_LINK_TTL_MS - 1_000)).ok).toBe(true);
    expect(readLoginToken(secret, token, new Date(now.getTime() + LOGIN_LINK_TTL_MS))).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("refuses a link altered anywhere: its holder, its expiry, its nonce or its signature", () => {
    const token = signLoginToken(secret, "42", new Date(now.getTime() + 60_000));
    const [v, user, expiry, nonce, mac] = token.split(".") as [string, string, string, string, string];
    const altered = [
      [v, Buffer.from("43").toString("base64url"), expiry, nonce, mac],
      [v, user, String(Number(expiry) + 86_400), nonce, mac],
      [v, user, expiry, `${nonce.slice(0, -1)}${nonce.endsWith("A") ? "B" : "A"}`, mac],
      [v, user, expiry, nonce, `${mac.slice(0, -2)}${mac.endsWith("AA") ? "BB" : "AA"}`],
    ];
    for (const parts of altered)
      expect(readLoginToken(secret, parts.join("."), now)).toEqual({ ok: false, reason: "forged" });
  });

  it("refuses a link signed with another secret as forged", () => {
    const other = new Secret("another-secret-that-is-also-32-characters-long");
    const token = signLoginToken(other, "42", new Date(now.getTime() + 60_000));
    expect(readLoginToken(secret, token, now)).toEqual({ ok: false, reason: "forged" });
  });

  it("refuses cut-off and made-up tokens as malformed", () => {
    const token = signLoginToken(secret, "42", new Date(now.getTime() + 60_000));
    for (const bad of [
      "",
      "v1",
      token.slice(0, token.lastIndexOf(".")),
      `v2${token.slice(2)}`,
      "v1.a.b.c.d",
      `${token}.x`,
    ]) {
      expect(readLoginToken(secret, bad, now)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});
