import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./loadConfig.js";

const root = new URL("../../", import.meta.url);
const example = readFileSync(new URL(".env.example", root), "utf8");

/** The variables `.env.example` sets (uncommented lines). */
function exampleEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of example.split("\n")) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2];
  }
  return env;
}

/** Every variable a schema reads, found by its key in the schema's object (the RPC family is gathered apart). */
function schemaVariables(): string[] {
  const dir = new URL("src/config/", root);
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))) {
    const source = readFileSync(new URL(file, dir), "utf8");
    for (const match of source.matchAll(/^\s+([A-Z][A-Z0-9_]+): /gm)) if (match[1]) names.add(match[1]);
  }
  names.delete("RPC_URLS");
  names.add("RPC_URL_1");
  return [...names];
}

describe(".env.example", () => {
  it("documents every variable the schemas read", () => {
    const variables = schemaVariables();
    expect(variables.length).toBeGreaterThan(30);
    const missing = variables.filter((name) => !new RegExp(`^(# )?${name}=`, "m").test(example));
    expect(missing).toEqual([]);
  });

  it("shows the defaults: its uncommented values give the same config as an empty environment", () => {
    expect(Object.keys(exampleEnv()).length).toBeGreaterThan(15);
    expect(loadConfig(exampleEnv())).toEqual(loadConfig({}));
  });
});
