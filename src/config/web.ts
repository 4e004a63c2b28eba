import { z } from "zod";
import { envField, fail, httpUrlVar, intVar, ok, type Parsed, secretVar } from "./envFields.js";
import { quoteValue } from "./quoteValue.js";
import type { Secret } from "./secret.js";

/** The stewards' web view. */
export type WebConfig = {
  /** `PORT`; 0 asks the system for a free port. */
  readonly port: number;
  /** `HOST`: the interface to listen on; the default keeps the view on this machine. */
  readonly host: string;
  /**
   * `PUBLIC_URL`: the address links point at. Undefined only when `PORT` is 0 and no `PUBLIC_URL` is set, since the
   * port is not known until the server listens; use `publicUrlFor`.
   */
  readonly publicUrl: string | undefined;
  /** `WEB_SIGNING_SECRET`: signs stewards' links; unset means links cannot be issued. */
  readonly signingSecret: Secret | undefined;
};

/** The web view's variables that hold secrets. */
export const webSecretVariables = ["WEB_SIGNING_SECRET"] as const;

function parseHost(raw: string): Parsed<string> {
  return /^[^\s/]+$/.test(raw) ? ok(raw) : fail(`must be a host name or IP address, got ${quoteValue(raw)}`);
}

// An HMAC key shorter than this can be guessed; 32 characters is what `openssl rand -hex 16` prints.
const MIN_SIGNING_SECRET_LENGTH = 32;

function checkSigningSecret(raw: string): string | undefined {
  return raw.length >= MIN_SIGNING_SECRET_LENGTH
    ? undefined
    : `must be at least ${MIN_SIGNING_SECRET_LENGTH} characters, got ${raw.length} (value not shown)`;
}

/** Parses the web view's variables. */
export const webSchema = z
  .object({
    PORT: intVar({ min: 0, max: 65_535, fallback: 3000 }),
    HOST: envField(parseHost, "127.0.0.1"),
    PUBLIC_URL: httpUrlVar(undefined),
    WEB_SIGNING_SECRET: secretVar({ check: checkSigningSecret }),
  })
  .transform(
    (env): WebConfig => ({
      port: env.PORT,
      host: env.HOST,
      publicUrl: env.PUBLIC_URL ?? (env.PORT === 0 ? undefined : `http://localhost:${env.PORT}`),
      signingSecret: env.WEB_SIGNING_SECRET,
    }),
  );

/** The public URL once the server is listening on `boundPort` (which matters when `PORT` was 0). */
export function publicUrlFor(web: WebConfig, boundPort: number): string {
  return web.publicUrl ?? `http://localhost:${boundPort}`;
}
