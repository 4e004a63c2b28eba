import { execFile, execFileSync } from "node:child_process";
import { chmod, chown, mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { adminQuery, withDatabase } from "../../support/testEngine.js";

// A PostgreSQL the fault suite may stop and start for real. On a machine with the server's binaries (Debian's
// postgresql package, as here), it is a private cluster in a temporary folder on its own port, so restarting it
// disturbs no other test. Without them (or without a way to run as the `postgres` user when root), the suite falls
// back to the shared server: a "restart" then ends every session of its own database and refuses new ones for the
// outage, which is what a restart looks like from Tribune's side.

const run = promisify(execFile);

export interface FaultPostgres {
  /** The database's URL for Tribune's processes. */
  url: string;
  /** "cluster": a real stop and start of a private server; "sessions": the shared server's sessions cut instead. */
  kind: "cluster" | "sessions";
  /** Stops the server (or cuts every session and refuses connections) for `downMs`, then starts it again. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a private cluster when the machine allows it; otherwise uses `fallbackUrl` (a fresh test database). */
export async function startFaultPostgres(fallbackUrl: string): Promise<FaultPostgres> {
  const bin = await serverBinaries();
  if (bin) {
    try {
      return await privateCluster(bin);
    } catch (error) {
      process.stderr.write(
        `[fault suite] no private PostgreSQL cluster (${String(error)}); cutting sessions instead\n`,
      );
    }
  }
  return sharedServer(fallbackUrl);
}

async function serverBinaries(): Promise<string | null> {
  const root = "/usr/lib/postgresql";
  const versions = await readdir(root).catch(() => [] as string[]);
  for (const version of versions.sort().reverse()) {
    const bin = join(root, version, "bin");
    if ((await readdir(bin).catch(() => [] as string[])).includes("pg_ctl")) return bin;
  }
  return null;
}

/** PostgreSQL refuses to run as root: as root, its tools run as the `postgres` user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function privateCluster(bin: string): Promise<FaultPostgres> {
  const dir = await mkdtemp(join(tmpdir(), "tribune-faults-pg-"));
  const data = join(dir, "data");
  if (process.getuid?.() === 0) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await chmod(dir, 0o700);
  const port = await freePort();
  const tool = (name: string, args: string[]) => {
    const [command, argv] = asServerUser(join(bin, name), args);
    return run(command, argv, { timeout: 60_000 });
  };
  await tool("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  const start = () =>
    tool("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      "start",
    ]);
  await start();
  // A run that dies (a timeout, Ctrl-C) must not leave a server behind.
  const stopNow = () => {
    const [command, argv] = asServerUser(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
    try {
      execFileSync(command, argv, { stdio: "ignore", timeout: 10_000 });
    } catch {
      // Already stopped.
    }
  };
  process.once("exit", stopNow);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await adminQuery(admin, "CREATE DATABASE tribune");
  return {
    url: withDatabase(admin, "tribune"),
    kind: "cluster",
    async restart(downMs) {
      await tool("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    async close() {
      process.off("exit", stopNow);
      await tool("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function sharedServer(url: string): FaultPostgres {
  const name = new URL(url).pathname.slice(1);
  const admin = withDatabase(url, "postgres");
  return {
    url,
    kind: "sessions",
    async restart(downMs) {
      await adminQuery(admin, `ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
      await adminQuery(
        admin,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
      );
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await adminQuery(admin, `ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    },
    async close() {
      await adminQuery(admin, `ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    },
  };
}
