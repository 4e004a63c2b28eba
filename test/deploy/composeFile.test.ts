// docker-compose.yml cannot be run here (no Docker), so this keeps it honest: it parses the file and checks it against
// the configuration schema and the parts of Tribune it relies on.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { loadConfig, secretVariables } from "../../src/config/loadConfig.js";
import { roles } from "../../src/config/runtime.js";
import { parseComposeYaml, type YamlValue } from "./composeYaml.js";

type Mapping = { [key: string]: YamlValue };

const compose = parseComposeYaml(readFileSync("docker-compose.yml", "utf8")) as Mapping;
const services = compose.services as Record<string, Mapping>;
/** The services that run Tribune's image (the rest, PostgreSQL, take their image's own variables). */
const tribune = Object.entries(services).filter(([, s]) => s.build !== undefined);
const environment = (service: Mapping) => (service.environment ?? {}) as Record<string, string>;

/** Every variable a config section reads: the keys of its zod object, found through transforms and pipes. */
function schemaKeys(schema: z.ZodType, out = new Set<string>()): Set<string> {
  const def = (schema as unknown as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return out;
  if (def.type === "object") for (const key of Object.keys(def.shape as object)) out.add(key);
  for (const inner of [def.in, def.out, def.innerType, def.schema]) if (inner) schemaKeys(inner as z.ZodType, out);
  return out;
}

/** Every section schema of src/config (its exports named *Schema), so a section added later is known at once. */
const configDir = resolve("src/config");
const configModules: Record<string, unknown>[] = await Promise.all(
  readdirSync(configDir)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => import(pathToFileURL(join(configDir, file)).href)),
);
const sections = configModules.flatMap((module) =>
  Object.entries(module).flatMap(([name, value]) =>
    name.endsWith("Schema") && typeof value === "object" && value !== null && "_zod" in value ? [value] : [],
  ),
);
const known = new Set(sections.flatMap((schema) => [...schemaKeys(schema as z.ZodType)]));
known.delete("RPC_URLS"); // the sources section gathers RPC_URL_<chainId> under this name
const isKnown = (name: string) =>
  known.has(name) || /^RPC_URL_[1-9]\d*$/.test(name) || secretVariables.some((s) => name === `${s}_FILE`);

describe("docker-compose.yml", () => {
  it("has PostgreSQL, the gateway, two or more workers and the web view, each with its role", () => {
    expect(services.postgres?.image).toMatch(/^postgres:\d+/);
    const byRole = new Map(tribune.map(([name, s]) => [environment(s).ROLE, { name, service: s }]));
    expect([...byRole.keys()].sort()).toEqual(["gateway", "web", "worker"]);
    for (const [, s] of tribune) expect(roles).toContain(environment(s).ROLE);
    const worker = byRole.get("worker")?.service;
    const replicas = Number((worker?.deploy as Mapping | undefined)?.replicas ?? 1);
    expect(replicas).toBeGreaterThanOrEqual(2);
  });

  it("names only variables the configuration schema reads", () => {
    expect(known.size).toBeGreaterThan(30);
    expect([...known]).toEqual(expect.arrayContaining(["DATABASE_URL", "ROLE", "PORT", "LOG_LEVEL", "DISCORD_TOKEN"]));
    for (const [name, s] of tribune) {
      const unknown = Object.keys(environment(s)).filter((variable) => !isKnown(variable));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    }
  });

  it("starts Tribune only once PostgreSQL is healthy", () => {
    expect((services.postgres?.healthcheck as Mapping | undefined)?.test).toEqual([
      "CMD-SHELL",
      "pg_isready -U tribune -d tribune",
    ]);
    for (const [name, s] of tribune) {
      expect({ name, dependsOn: s.depends_on }).toEqual({
        name,
        dependsOn: { postgres: { condition: "service_healthy" } },
      });
    }
  });

  it("checks the web-serving processes' health on /readyz, on the address and port they listen on", () => {
    for (const [name, s] of tribune.filter(([, s]) => environment(s).ROLE !== "worker")) {
      const env = environment(s);
      expect({ name, host: env.HOST }).toEqual({ name, host: "0.0.0.0" });
      const test = (s.healthcheck as Mapping).test as string[];
      expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
      expect(test[3]).toContain(`http://127.0.0.1:${env.PORT}/readyz`);
      const published = (s.ports as string[]).map((p) => p.split(":").at(-1));
      expect(published).toContain(env.PORT);
    }
  });

  it("checks the workers' health on /readyz, on their HEALTH_PORT inside the container", () => {
    for (const [name, s] of tribune.filter(([, s]) => environment(s).ROLE === "worker")) {
      const env = environment(s);
      expect({ name, healthPort: env.HEALTH_PORT }).toEqual({ name, healthPort: expect.stringMatching(/^\d+$/) });
      const test = (s.healthcheck as Mapping).test as string[];
      expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
      expect(test[3]).toContain(`http://127.0.0.1:${env.HEALTH_PORT}/readyz`);
    }
  });

  it("passes secrets as mounted files or from the operator's environment, never written in the file", () => {
    const declared = compose.secrets as Record<string, Mapping>;
    for (const [name, s] of tribune) {
      const env = environment(s);
      const mounted = (s.secrets ?? []) as string[];
      for (const secret of secretVariables) {
        const value = env[secret];
        if (value !== undefined) expect({ name, secret, value }).toEqual({ name, secret, value: `\${${secret}:-}` });
        const file = env[`${secret}_FILE`];
        if (file === undefined) continue;
        const secretName = /^\/run\/secrets\/([\w-]+)$/.exec(file)?.[1] ?? "";
        expect({ name, file, mounted: mounted.includes(secretName) }).toEqual({ name, file, mounted: true });
        expect(declared[secretName]?.file).toBe(`./secrets/${secretName}`);
      }
    }
  });

  it("gives each service an environment the configuration accepts, in the role it is named for", () => {
    const dir = mkdtempSync(join(tmpdir(), "tribune-compose-"));
    try {
      const samples: Record<string, string> = {
        database_url: "postgresql://tribune:pw@postgres:5432/tribune",
        web_signing_secret: "0123456789abcdef0123456789abcdef0123456789abcdef",
        agent_mnemonic: "test test test test test test test test test test test junk",
      };
      for (const [name, value] of Object.entries(samples)) writeFileSync(join(dir, name), `${value}\n`);
      for (const [name, s] of tribune) {
        const env: Record<string, string> = {};
        for (const [variable, raw] of Object.entries(environment(s))) {
          // Compose's `${X:-default}`: the operator left X unset, so the default (often empty: "off") applies.
          const value = String(raw).replace(/\$\{(\w+):-([^}]*)\}/g, (_, _name: string, fallback: string) => fallback);
          env[variable] = value.replace(/^\/run\/secrets\//, `${dir}/`);
        }
        const config = loadConfig(env);
        expect({ name, role: config.runtime.role }).toEqual({ name, role: environment(s).ROLE });
        expect(config.database.url?.reveal()).toBe(samples.database_url);
        expect(config.voting.agentMnemonic).toBeDefined();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Dockerfile and .dockerignore", () => {
  const dockerfile = readFileSync("Dockerfile", "utf8");
  const ignored = readFileSync(".dockerignore", "utf8").split("\n");

  it("bakes no secret into the image and starts the same entry point as npm start", () => {
    for (const secret of secretVariables) expect(dockerfile).not.toMatch(new RegExp(`^(ENV|ARG)\\s+${secret}\\b`, "m"));
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "src\/main\.ts"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it("keeps local settings, secrets and data out of the build context", () => {
    for (const entry of [".env", "secrets", "data", "node_modules", ".git"]) expect(ignored).toContain(entry);
  });
});
