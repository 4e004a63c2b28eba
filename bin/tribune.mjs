#!/usr/bin/env node
// `npx tribune <command> …`: runs Tribune's TypeScript command line through tsx (no build step).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/tribune.ts");
