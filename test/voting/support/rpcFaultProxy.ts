// A JSON-RPC proxy between a casting worker and the chain's endpoint, for the Governor crash test: it sees every
// transaction a worker sends (`eth_sendRawTransaction`, alone or inside a batch, as viem's batching transport packs
// them), records who sent it and what became of it at the node, and can cut the worker off right at that moment: after
// the node took the transaction (the worker dies before the answer) or before the node ever saw it (the request dies
// with the worker). Everything else is passed through as it came.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Address, type Hex, keccak256, parseTransaction, recoverTransactionAddress } from "viem";

interface RpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

/** One JSON-RPC call as the client sent it. */
export type ProxiedCall = Readonly<Pick<RpcRequest, "method" | "params">>;

interface RpcAnswer {
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

/** One transaction a client sent through the proxy. */
export interface ProxiedSend {
  hash: Hex;
  from: Address;
  nonce: number;
  to: Address | null;
  data: Hex;
  /**
   * What the node answered: `accepted` (it returned the hash), `refused` (a JSON-RPC error: nonce too low, a revert
   * under automine), `lost` (never forwarded), `unanswered` (forwarded, the answer did not come back).
   */
  outcome: "accepted" | "refused" | "lost" | "unanswered";
  error: string | null;
}

/**
 * What to do with a request that carries a send: pass it on; pass it on, let the node answer, and cut the client off
 * before it hears the answer; or cut the client off with the request never forwarded.
 */
export type SendAction = "forward" | "land-unanswered" | "lose";

export class RpcFaultProxy {
  /** Every send received, in arrival order. */
  readonly sends: ProxiedSend[] = [];
  /** Decides each send's fate (all are forwarded when null). A batch with several sends takes the harshest. */
  onSend: ((send: ProxiedSend) => SendAction) | null = null;
  /** Runs when a request is cut (the test kills the worker here), before the client's connection is closed. */
  onCut: (() => Promise<void>) | null = null;
  /**
   * Reads without a block tag (`eth_call`, `eth_estimateGas`) go to "latest", as geth and the hosted providers read
   * them; the in-process node reads "pending" while it does not mine on arrival, which would show a vote still in the
   * mempool as counted.
   */
  readLatest = false;
  /**
   * Runs before each request is forwarded, with its calls and the sends among them: the test moves the chain on here
   * (mines a block just as a given call goes out, say).
   */
  beforeForward: ((calls: readonly ProxiedCall[], sends: readonly ProxiedSend[]) => Promise<void>) | null = null;
  /** Milliseconds to hold a request before forwarding it (timing jitter); none when null. */
  latency: (() => number) | null = null;
  #server: Server | undefined;

  constructor(private readonly upstream: string) {}

  async listen(): Promise<string> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(502);
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** The sends of one sender, or all sends when omitted. */
  sendsBy(from?: Address): ProxiedSend[] {
    return from ? this.sends.filter((s) => s.from.toLowerCase() === from.toLowerCase()) : [...this.sends];
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcRequest | RpcRequest[];
    const requests = Array.isArray(parsed) ? parsed : [parsed];
    if (this.readLatest) {
      for (const r of requests) {
        if ((r.method === "eth_call" || r.method === "eth_estimateGas") && r.params?.length === 1) {
          r.params = [...r.params, "latest"];
        }
      }
    }
    const body = JSON.stringify(parsed);

    const sends = new Map<RpcRequest, ProxiedSend>();
    for (const r of requests) {
      if (r.method !== "eth_sendRawTransaction") continue;
      const send = await describe((r.params as [Hex])[0]);
      this.sends.push(send);
      sends.set(r, send);
    }
    const actions = [...sends.values()].map((send) => this.onSend?.(send) ?? "forward");
    const action: SendAction = actions.includes("lose")
      ? "lose"
      : actions.includes("land-unanswered")
        ? "land-unanswered"
        : "forward";

    if (action === "lose") {
      for (const send of sends.values()) send.outcome = "lost";
      await this.#cut(res);
      return;
    }
    await this.beforeForward?.(requests, [...sends.values()]);
    const wait = this.latency?.() ?? 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const upstream = await fetch(this.upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const text = await upstream.text();
    this.#settle(sends, upstream.ok ? text : null);
    if (action === "land-unanswered") {
      await this.#cut(res);
      return;
    }
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(text);
  }

  /** Marks each send accepted or refused from the node's answer (matched by request id). */
  #settle(sends: Map<RpcRequest, ProxiedSend>, text: string | null): void {
    if (sends.size === 0) return;
    let answers: RpcAnswer[] = [];
    try {
      const parsed = text === null ? [] : (JSON.parse(text) as RpcAnswer | RpcAnswer[]);
      answers = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      // Not JSON (an upstream error page): the sends stay unanswered, which is what the client saw too.
    }
    for (const [request, send] of sends) {
      const answer = answers.find((a) => a.id === request.id);
      if (!answer) continue;
      send.outcome = answer.error ? "refused" : "accepted";
      send.error = answer.error?.message ?? null;
    }
  }

  async #cut(res: ServerResponse): Promise<void> {
    await this.onCut?.();
    res.destroy();
  }
}

/** A signed transaction's hash, sender, nonce and call, read from its serialized bytes. */
async function describe(raw: Hex): Promise<ProxiedSend> {
  const parsed = parseTransaction(raw);
  return {
    hash: keccak256(raw),
    from: await recoverTransactionAddress({ serializedTransaction: raw as never }),
    nonce: parsed.nonce ?? 0,
    to: parsed.to ?? null,
    data: parsed.data ?? "0x",
    outcome: "unanswered",
    error: null,
  };
}
