// A local Snapshot sequencer: POST an envelope, get the real sequencer's receipt or its refusal, with its statuses and
// words (see ingestVote.ts for the rules). Accepted votes are written into a FakeSnapshotHub, so the hub's `votes`
// query sees them at once, as the real hub reads the sequencer's database. Faults at chosen moments: any status
// (425/429/503/500 with the real bodies), a refusal string, a delay, a hang, a reset before processing, and a drop
// after the vote was stored, where the answer is lost: the case reconciliation exists for.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Wallet } from "@ethersproject/wallet";
import type { FakeSnapshotHub } from "../snapshotHub.js";
import { ingestVote, type StoredMessage } from "./ingestVote.js";

export type SequencerFault =
  /** Answer with this status and the sequencer's own body for it (or `body`), without looking at the vote. */
  | { kind: "status"; status: number; body?: unknown; retryAfter?: string }
  /** Answer `{error: 'client_error', error_description}` (400) without looking: for refusals the fake cannot cause. */
  | { kind: "reject"; description: string; status?: number }
  /** Handle the request normally, taking this long (the request counts as in flight meanwhile). */
  | { kind: "delay"; ms: number }
  /** Never answer (the connection stays open until the sequencer closes). */
  | { kind: "hang" }
  /** Cut the connection before handling anything. */
  | { kind: "reset" }
  /** Handle the request (an accepted vote is stored) and cut the connection instead of answering. */
  | { kind: "drop" }
  /** A proxy's HTML error page. */
  | { kind: "garbage"; status?: number };

export interface SequencerRequestLog {
  address: string | null;
  proposal: string | null;
  timestamp: number | null;
  /** The HTTP status answered; null when no answer was sent (hang, reset, drop). */
  status: number | null;
  /** The refusal's words, or the receipt's id. */
  error: string | null;
  id: string | null;
  fault: SequencerFault["kind"] | null;
}

export interface FakeSequencerOptions {
  /** Spaces the sequencer knows besides those with a proposal on the hub. */
  spaces?: readonly string[];
  /** Unix seconds; the hub's clock by default, so tests move both at once. */
  now?: () => number;
}

/** What the real sequencer answers for each status (src/helpers/utils.ts sendError and the handlers that call it). */
const STATUS_BODIES: Record<number, unknown> = {
  425: { error: "client_error", error_description: "request already being processed" },
  429: {
    error: "client_error",
    error_description: "too many requests, refer to https://docs.snapshot.org/tools/api/api-keys#limits",
  },
  // An exception that is not a string is sent as itself; an Error serialises as {}.
  500: { error: "server_error", error_description: {} },
  503: { error: "server_error", error_description: "update in progress, try later" },
};

// A fixed relayer key (not a secret: test data), so receipts are the same from run to run.
const RELAYER_KEY = `0x${createHash("sha256").update("tribune fake sequencer relayer").digest("hex")}`;

export class FakeSequencer {
  readonly faults: SequencerFault[] = [];
  /** Consulted for every request after `faults` is empty: a fault for a given voter or message, or none. */
  faultFor: ((message: Record<string, unknown>) => SequencerFault | undefined) | null = null;
  readonly requests: SequencerRequestLog[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly relayer = new Wallet(RELAYER_KEY);
  /** The sequencer's MAINTENANCE switch: every POST gets 503 "update in progress, try later". */
  maintenance = false;
  private readonly inFlight = new Set<string>();
  private readonly knownSpaces: Set<string>;
  private readonly now: () => number;
  private server: Server | null = null;
  private baseUrl = "";

  constructor(
    readonly hub: FakeSnapshotHub,
    options: FakeSequencerOptions = {},
  ) {
    this.knownSpaces = new Set(options.spaces ?? []);
    this.now = options.now ?? (() => hub.now);
  }

  /** Starts listening; resolves with the URL to POST envelopes to. */
  async listen(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  /** How many votes were stored (accepted, or dropped after being stored). */
  get storedVotes(): number {
    return this.messages.size;
  }

  private knowsSpace = (space: string): boolean => {
    if (this.knownSpaces.has(space)) return true;
    for (const proposal of this.hub.proposals.values()) {
      if (proposal.space === space) {
        this.knownSpaces.add(space);
        return true;
      }
    }
    return false;
  };

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const piece of request) chunks.push(piece as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (request.url?.startsWith("/rpc/")) return this.answerRpc(request.url, text, response);

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // express.json() hands a broken body to express's default error page.
      response.writeHead(400, { "content-type": "text/html" }).end("<pre>SyntaxError: bad JSON</pre>");
      return;
    }
    const message = ((body as { data?: { message?: unknown } })?.data?.message ?? {}) as Record<string, unknown>;
    const entry: SequencerRequestLog = {
      address:
        typeof (body as { address?: unknown })?.address === "string" ? (body as { address: string }).address : null,
      proposal: typeof message.proposal === "string" ? message.proposal : null,
      timestamp: typeof message.timestamp === "number" ? message.timestamp : null,
      status: null,
      error: null,
      id: null,
      fault: null,
    };
    this.requests.push(entry);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      response.end(JSON.stringify(payload));
    };

    const fault = this.faults.shift() ?? this.faultFor?.(message);
    entry.fault = fault?.kind ?? null;
    switch (fault?.kind) {
      case "status": {
        const retryAfter = fault.retryAfter ?? (fault.status === 429 ? "60" : undefined);
        const fallback = { error: fault.status < 500 ? "client_error" : "server_error", error_description: "failed" };
        entry.error = `status ${fault.status}`;
        return reply(fault.status, fault.body ?? STATUS_BODIES[fault.status] ?? fallback, {
          ...(retryAfter ? { "retry-after": retryAfter } : {}),
        });
      }
      case "reject":
        entry.error = fault.description;
        return reply(fault.status ?? 400, { error: "client_error", error_description: fault.description });
      case "garbage":
        entry.status = fault.status ?? 502;
        response.writeHead(entry.status, { "content-type": "text/html" });
        response.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
        return;
      case "hang":
        return;
      case "reset":
        response.socket?.destroy();
        return;
    }

    // duplicateRequestPreventor: the same body while it is still being handled.
    const bodyHash = createHash("sha256").update(JSON.stringify(body)).digest("hex");
    if (this.inFlight.has(bodyHash)) {
      entry.error = "request already being processed";
      return reply(425, STATUS_BODIES[425]);
    }
    if (this.maintenance) {
      entry.error = "update in progress, try later";
      return reply(503, STATUS_BODIES[503]);
    }
    this.inFlight.add(bodyHash);
    try {
      // The slow part of the real sequencer (signature, voting power from the score API) happens in flight.
      if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
      const result = await ingestVote(body, {
        hub: this.hub,
        now: this.now,
        knowsSpace: this.knowsSpace,
        messages: this.messages,
        broviderUrl: `${this.baseUrl}/rpc`,
        relayer: this.relayer,
      });
      if (result.ok) entry.id = result.answer.id;
      else entry.error = result.error;
      if (fault?.kind === "drop") {
        response.socket?.destroy();
        return;
      }
      if (result.ok) reply(200, result.answer);
      else reply(400, { error: "client_error", error_description: result.error });
    } finally {
      this.inFlight.delete(bodyHash);
    }
  }

  /**
   * A JSON-RPC node for `utils.verify`'s contract-wallet checks (EIP-1271), where a signature that does not recover
   * to the address is asked about: every address here is a plain account with no code, so a call returns "0x",
   * exactly what mainnet answers for an agent's address, and verify refuses the signature.
   */
  private answerRpc(url: string, text: string, response: ServerResponse): void {
    const chainId = Number(url.slice("/rpc/".length).split("?")[0]);
    const calls = [JSON.parse(text)].flat() as { id: number; method: string }[];
    const results = calls.map((call) => {
      const result: Record<string, string> = {
        eth_chainId: `0x${chainId.toString(16)}`,
        net_version: String(chainId),
        eth_call: "0x",
        eth_getCode: "0x",
        eth_blockNumber: "0x1",
      };
      return call.method in result
        ? { jsonrpc: "2.0", id: call.id, result: result[call.method] }
        : { jsonrpc: "2.0", id: call.id, error: { code: -32601, message: "method not found" } };
    });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(Array.isArray(JSON.parse(text)) ? results : results[0]));
  }
}
