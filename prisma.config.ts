// Prisma CLI configuration. Tribune applies migrations itself (src/db/migrate.ts), so the CLI needs a URL only for
// `prisma migrate status/deploy` on machines where Prisma's schema engine is installed.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/tribune" },
});
