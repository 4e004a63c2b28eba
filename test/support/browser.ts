// A real browser for the web view's tests: Debian's Chromium, driven by playwright-core. Never a downloaded browser:
// if /usr/bin/chromium is missing, the test setup installs the distribution's package with apt-get.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Where tests leave screenshots and downloads for people to look at (gitignored). */
export const ARTIFACTS_DIR = resolve("test-artifacts");

/** Makes sure Debian's Chromium is installed, installing it with apt-get if it is not (needs root, as in CI). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const install = spawnSync("sh", ["-c", "apt-get update && apt-get install -y chromium"], {
    encoding: "utf8",
    timeout: 15 * 60_000,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (install.status !== 0 || !existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM_PATH} and \`apt-get install -y chromium\` failed (exit ${install.status}): ` +
        `${(install.stderr || install.error?.message || "").slice(-2_000)}. Install Debian's chromium package and run again.`,
    );
  }
  return CHROMIUM_PATH;
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile: no sandbox (containers run as root), no GPU, and nothing that
 * reaches the network on its own (background networking, component updates, sync), so a test talks only to us.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const executablePath = ensureChromium();
  const userDataDir = await mkdtemp(join(tmpdir(), "tribune-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A folder under test-artifacts/ for one test file's screenshots and downloads. */
export async function artifactsFor(name: string): Promise<string> {
  const dir = join(ARTIFACTS_DIR, name);
  await mkdir(dir, { recursive: true });
  return dir;
}
