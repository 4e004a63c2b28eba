// The test contracts, compiled with solc-js (WASM, no download) once per change of their sources or the compiler's
// settings: artifacts are cached on disk under a hash of both, so a clean clone compiles on its first run (~7 s) and
// every later run reads JSON.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import solc from "solc";
import type { Abi, Hex } from "viem";

/** One compiled contract: what viem needs to deploy and call it. */
export interface Artifact {
  abi: Abi;
  bytecode: Hex;
}

export type Artifacts = Record<string, Artifact>;

const CONTRACTS_DIR = resolve(import.meta.dirname, "../../fixtures/contracts");
const CACHE_DIR = resolve(import.meta.dirname, "../../../node_modules/.cache/tribune-contracts");
const require = createRequire(import.meta.url);
const OZ_PACKAGE = dirname(require.resolve("@openzeppelin/contracts/package.json"));
/** Imports are written "@openzeppelin/contracts/…", so they resolve from the folder holding "@openzeppelin". */
const NODE_MODULES = dirname(dirname(OZ_PACKAGE));

// OpenZeppelin 5.7 uses `mcopy` (Cancun); the optimizer keeps the governors under the 24 KiB code size limit.
const SETTINGS = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
} as const;

let loaded: Artifacts | undefined;

/** Every contract in test/fixtures/contracts, from the cache or freshly compiled. */
export function testArtifacts(): Artifacts {
  loaded ??= loadOrCompile();
  return loaded;
}

function loadOrCompile(): Artifacts {
  const sources = Object.fromEntries(
    readdirSync(CONTRACTS_DIR)
      .filter((name) => name.endsWith(".sol"))
      .sort()
      .map((name) => [name, { content: readFileSync(join(CONTRACTS_DIR, name), "utf8") }]),
  );
  const ozVersion = (JSON.parse(readFileSync(join(OZ_PACKAGE, "package.json"), "utf8")) as { version: string }).version;
  const key = createHash("sha256")
    .update(JSON.stringify({ solc: solc.version(), oz: ozVersion, settings: SETTINGS, sources }))
    .digest("hex")
    .slice(0, 24);
  const file = join(CACHE_DIR, `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Artifacts;
  } catch {
    // No cache yet (or a half-written one from a killed run): compile.
  }
  const artifacts = compile(sources);
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written beside and renamed: test files compiling at the same time never read a partial file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(artifacts));
  renameSync(temporary, file);
  return artifacts;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

function compile(sources: Record<string, { content: string }>): Artifacts {
  const input = { language: "Solidity", sources, settings: SETTINGS };
  const findImports = (path: string) => {
    try {
      return { contents: readFileSync(join(NODE_MODULES, path), "utf8") };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const artifacts: Artifacts = {};
  for (const name of Object.keys(sources)) {
    for (const [contract, out] of Object.entries(output.contracts[name] ?? {})) {
      artifacts[contract] = { abi: out.abi, bytecode: `0x${out.evm.bytecode.object}` };
    }
  }
  return artifacts;
}
