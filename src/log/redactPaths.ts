// Keys whose values are credentials wherever they appear in a log object. pino redacts by path, and its wildcard
// matches one level only, so each key is listed at every depth up to MAX_DEPTH (arrays count as a level).

const SECRET_KEYS = [
  "token",
  "accessToken",
  "refreshToken",
  "botToken",
  "apiKey",
  "api_key",
  "authorization",
  "Authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "password",
  "passphrase",
  "secret",
  "clientSecret",
  "signingSecret",
  "webhookSecret",
  "mnemonic",
  "privateKey",
  "private_key",
  "connectionString",
  "databaseUrl",
  "DATABASE_URL",
  "DISCORD_TOKEN",
  "ANTHROPIC_API_KEY",
  "SNAPSHOT_API_KEY",
  "SNAPSHOT_WEBHOOK_SECRET",
  "TALLY_API_KEY",
  "AGENT_MNEMONIC",
  "RELAYER_PRIVATE_KEY",
  "WEB_SIGNING_SECRET",
];

const MAX_DEPTH = 4;

function pathTo(key: string, depth: number): string {
  const prefix = "*.".repeat(depth);
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}${key}` : `${prefix.replace(/\.$/, "")}["${key}"]`;
}

/** pino `redact` paths for every secret-bearing key, from the top level down to `MAX_DEPTH` levels of nesting. */
export const redactPaths: readonly string[] = SECRET_KEYS.flatMap((key) =>
  Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => pathTo(key, depth)),
);
