import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file gets its own database, so files run in parallel; an embedded engine is heavy, so not too many.
    maxWorkers: 4,
  },
});
