// A JSON-RPC endpoint over HTTP in front of an in-process chain, as an RPC provider would serve it: the reader under
// test talks real HTTP to a real node. Faults are injected at the HTTP level (5xx, 429, slow answers, provider-style
// "range too large" refusals, malformed answers), and every request is counted by method.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EIP1193Provider } from "viem";

interface RpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

/** What to do with one request: answer normally (null), or fail it this way. */
export type Fault =
  | { kind: "http"; status: number; retryAfter?: string }
  | { kind: "slow"; ms: number }
  | { kind: "rpc"; code: number; message: string }
  /**
   * An answer the client cannot use: a body that is not JSON (a proxy's error page served with status 200), or a
   * JSON-RPC result of the wrong shape (an object where a quantity or data is due) for this one request of a batch.
   */
  | { kind: "malformed"; shape: "not-json" | "wrong-result" };

/** How a served fault is counted in `served`: "http 503", "slow", "rpc -32000", "malformed not-json". */
function faultName(fault: Fault): string {
  if (fault.kind === "http") return `http ${fault.status}`;
  if (fault.kind === "rpc") return `rpc ${fault.code}`;
  if (fault.kind === "malformed") return `malformed ${fault.shape}`;
  return fault.kind;
}

export interface FakeRpcOptions {
  /** eth_getLogs over more blocks than this is refused the way Alchemy/Infura refuse it (-32005). */
  maxLogRange?: number;
}

export class FakeJsonRpcServer {
  readonly calls = new Map<string, number>();
  /** HTTP requests received (a batch is one). */
  httpRequests = 0;
  maxLogRange: number | undefined;
  /** Faults served so far, by name (see `faultName`): what a test injected and the client actually met. */
  readonly served = new Map<string, number>();
  #server: Server | undefined;
  #faults: { method: string | null; fault: Fault; times: number }[] = [];
  #window: { until: number; fault: Fault } | null = null;

  constructor(
    private readonly provider: EIP1193Provider,
    options: FakeRpcOptions = {},
  ) {
    this.maxLogRange = options.maxLogRange;
  }

  /** Fails the next `times` requests for `method` (any method when null) with `fault`. */
  failNext(method: string | null, fault: Fault, times = 1): void {
    this.#faults.push({ method, fault, times });
  }

  /**
   * Fails every request with `fault` for the next `ms` milliseconds (an outage of a length in time, whatever the
   * client's request rate), ahead of any counted fault.
   */
  failFor(ms: number, fault: Fault): void {
    this.#window = { until: Date.now() + ms, fault };
  }

  /** Counted faults not yet served. */
  pendingFaults(): number {
    return this.#faults.reduce((sum, f) => sum + f.times, 0);
  }

  /** JSON-RPC calls of a method so far (all methods when omitted). */
  count(method?: string): number {
    if (method) return this.calls.get(method) ?? 0;
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  resetCounts(): void {
    this.calls.clear();
    this.httpRequests = 0;
  }

  async listen(): Promise<string> {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  async #handle(req: IncomingMessage): Promise<{ status: number; body: string; headers?: Record<string, string> }> {
    this.httpRequests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcRequest | RpcRequest[];
    const requests = Array.isArray(parsed) ? parsed : [parsed];
    for (const r of requests) this.calls.set(r.method, (this.calls.get(r.method) ?? 0) + 1);
    const wrongShape = new Set<RpcRequest>();
    for (const r of requests) {
      const fault = this.#takeFault(r.method);
      if (fault) this.served.set(faultName(fault), (this.served.get(faultName(fault)) ?? 0) + 1);
      if (fault?.kind === "malformed" && fault.shape === "not-json") {
        return { status: 200, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
      }
      if (fault?.kind === "malformed") wrongShape.add(r);
      if (fault?.kind === "http") {
        const headers: Record<string, string> = fault.retryAfter ? { "retry-after": fault.retryAfter } : {};
        return { status: fault.status, body: JSON.stringify({ error: "injected" }), headers };
      }
      if (fault?.kind === "slow") await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (fault?.kind === "rpc") {
        const error = { jsonrpc: "2.0", id: r.id, error: { code: fault.code, message: fault.message } };
        return { status: 200, body: JSON.stringify(Array.isArray(parsed) ? [error] : error) };
      }
    }
    const answers = await Promise.all(
      requests.map((r) =>
        wrongShape.has(r) ? { jsonrpc: "2.0", id: r.id, result: { unexpected: ["shape"] } } : this.#answer(r),
      ),
    );
    return { status: 200, body: JSON.stringify(Array.isArray(parsed) ? answers : answers[0]) };
  }

  #takeFault(method: string): Fault | null {
    if (this.#window && Date.now() < this.#window.until) return this.#window.fault;
    this.#window = null;
    const index = this.#faults.findIndex((f) => f.method === null || f.method === method);
    if (index < 0) return null;
    const entry = this.#faults[index] as { method: string | null; fault: Fault; times: number };
    entry.times -= 1;
    if (entry.times <= 0) this.#faults.splice(index, 1);
    return entry.fault;
  }

  async #answer(r: RpcRequest): Promise<unknown> {
    if (r.method === "eth_getLogs" && this.maxLogRange !== undefined) {
      const filter = (r.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
      const span = Number(BigInt(filter.toBlock ?? "0x0") - BigInt(filter.fromBlock ?? "0x0")) + 1;
      if (span > this.maxLogRange) {
        // Alchemy's wording, code -32005 (limit exceeded).
        const message = `Log response size exceeded. You can make eth_getLogs requests with up to a ${this.maxLogRange} block range.`;
        return { jsonrpc: "2.0", id: r.id, error: { code: -32005, message } };
      }
    }
    try {
      const result = await this.provider.request({ method: r.method, params: r.params } as never);
      return { jsonrpc: "2.0", id: r.id, result };
    } catch (error) {
      const e = error as { code?: number; message?: string; data?: unknown };
      return {
        jsonrpc: "2.0",
        id: r.id,
        error: { code: e.code ?? -32603, message: e.message ?? String(error), data: e.data },
      };
    }
  }
}
