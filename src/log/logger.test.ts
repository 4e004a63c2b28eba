import { describe, expect, it } from "vitest";
import { Secret } from "../config/secret.js";
import { createLogger, type Logger } from "./logger.js";

const API_KEY = "sk-ant-api03-LOGGER-LEAK-CHECK";
const TOKEN = "MTA4NzY1NDMyMTA5.discord-token-leak-check";
const QUOTED = 'pass"with\\quote-leak-check';

/** A logger whose lines are collected, with the secrets above to scrub. */
function capture(): { logger: Logger; output: () => string } {
  const lines: string[] = [];
  const logger = createLogger({
    level: "trace",
    secrets: [API_KEY, TOKEN, QUOTED],
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, output: () => lines.join("") };
}

function expectNoSecrets(text: string): void {
  for (const secret of [
    API_KEY,
    TOKEN,
    QUOTED,
    JSON.stringify(QUOTED).slice(1, -1),
    "db-password-leak",
    "hunter2-leak",
  ]) {
    expect(text).not.toContain(secret);
  }
}

describe("createLogger", () => {
  it("scrubs a secret passed as a value under an unremarkable key, and in the message", () => {
    const { logger, output } = capture();
    logger.info({ note: `key=${API_KEY};` }, "configured with %s", TOKEN);
    const line = JSON.parse(output());
    expect(line.note).toBe("key=[redacted];");
    expect(line.msg).toBe("configured with [redacted]");
    expectNoSecrets(output());
  });

  it("redacts secret-bearing keys at any depth, and secret values deeper than the paths reach", () => {
    const { logger, output } = capture();
    logger.info(
      {
        token: "top-level-token",
        request: { headers: { authorization: "Bearer hunter2-leak", "x-api-key": "hunter2-leak", accept: "json" } },
        members: [{ name: "ada", mnemonic: "hunter2-leak words" }],
        a: { b: { c: { d: { e: { f: API_KEY } } } } },
      },
      "request sent",
    );
    const line = JSON.parse(output());
    expect(line.token).toBe("[redacted]");
    expect(line.request.headers).toEqual({ authorization: "[redacted]", "x-api-key": "[redacted]", accept: "json" });
    expect(line.members).toEqual([{ name: "ada", mnemonic: "[redacted]" }]);
    expect(line.a.b.c.d.e.f).toBe("[redacted]");
    expect(line.msg).toBe("request sent");
    expectNoSecrets(output());
  });

  it("scrubs a secret inside an error's message and stack, under err or error", () => {
    const { logger, output } = capture();
    logger.error({ err: new Error(`401 from Anthropic for key ${API_KEY}`) }, "digest failed");
    logger.error({ error: new Error(`gateway refused ${TOKEN}`) }, "login failed");
    const [first, second] = output()
      .trim()
      .split("\n")
      .map((text) => JSON.parse(text));
    expect(first.err.message).toBe("401 from Anthropic for key [redacted]");
    expect(first.err.stack).toContain("Error: 401 from Anthropic for key [redacted]\n    at ");
    expect(second.error.message).toBe("gateway refused [redacted]");
    expect(second.error.stack).toContain("gateway refused [redacted]");
    expectNoSecrets(output());
  });

  it("scrubs the password of any postgres URL, even one it was not told about", () => {
    const { logger, output } = capture();
    logger.warn(
      { target: "postgresql://tribune:db-password-leak@db.internal:5432/tribune" },
      "cannot reach postgres://admin:hunter2-leak@10.0.0.5/app",
    );
    const line = JSON.parse(output());
    expect(line.target).toBe("postgresql://tribune:[redacted]@db.internal:5432/tribune");
    expect(line.msg).toBe("cannot reach postgres://admin:[redacted]@10.0.0.5/app");
    expectNoSecrets(output());
  });

  it("scrubs a secret that JSON has to escape", () => {
    const { logger, output } = capture();
    logger.info({ header: `Basic ${QUOTED}` }, "basic auth");
    expect(JSON.parse(output()).header).toBe("Basic [redacted]");
    expectNoSecrets(output());
  });

  it("keeps Secret instances redacted and scrubs child loggers' bindings", () => {
    const { logger, output } = capture();
    logger.child({ session: TOKEN }).info({ key: new Secret(API_KEY) }, "child line");
    const line = JSON.parse(output());
    expect(line).toMatchObject({ session: "[redacted]", key: "[redacted]", msg: "child line" });
    expectNoSecrets(output());
  });

  it("writes nothing below its level", () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "warn",
      secrets: [],
      destination: { write: (line) => void lines.push(line) },
    });
    logger.info("quiet");
    logger.warn("loud");
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["loud"]);
  });
});
