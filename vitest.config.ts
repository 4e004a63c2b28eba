import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    // Generous: CI machines are shared, and several files run real databases and processes at once.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own database, so files run in parallel; an embedded engine is heavy, so not too many.
    maxWorkers: 4,
  },
});
