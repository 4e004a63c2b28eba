# Tribune's image: one image for every role (ROLE=gateway|worker|web|all, set by docker-compose.yml). No secret is
# part of it: they arrive at run time from the environment or as files named by X_FILE (see .env.example).
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. devDependencies stay: Tribune runs its
# TypeScript through tsx (there is no build step), and postinstall generates the Prisma client from the schema.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY . .

# The data folder is only used by the embedded database and its local agent key, which a deployment with
# DATABASE_URL and AGENT_MNEMONIC never touches; it exists so that a misconfigured start fails with a clear message.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

ENV TRIBUNE_DATA_DIR=/app/data
EXPOSE 3000

# Node handles SIGTERM itself (jobs finish or are released, the database closes), so it runs as the main process.
CMD ["node", "--import", "tsx", "src/main.ts"]
