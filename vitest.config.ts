import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    // A guard against hangs, not a speed limit: on a 2-core CI machine the crash loops, the fault suite and the files
    // that start Tribune as a child process all run at once (load 8–13), and a test that takes 10 s alone takes 60.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file gets its own database, so files run in parallel; an embedded engine is heavy, so not too many.
    maxWorkers: 4,
  },
});
