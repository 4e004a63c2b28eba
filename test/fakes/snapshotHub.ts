// A local Snapshot hub: the REAL schema (snapshot-hub src/graphql/schema.gql, copied to test/fixtures) executed by
// graphql-js itself over proposals, messages and votes the test controls over time, with the hub's limits and its
// HTTP behaviour (400 for invalid queries, 401 for a bad key, 429 with Retry-After), plus faults on request.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSchema, execute, type GraphQLError, type GraphQLSchema, parse, specifiedRules, validate } from "graphql";
import { checkLimits, compileWhere, depthLimit, orderAndSlice, queryCountLimit } from "./hubRules.js";

export const HUB_SCHEMA_SDL = readFileSync(
  new URL("../fixtures/snapshot/snapshot-hub-schema.graphql", import.meta.url),
  "utf8",
);
export const hubSchema: GraphQLSchema = buildSchema(HUB_SCHEMA_SDL);
/** The validation the hub runs: graphql's own rules, then its query-count and depth limits. */
export const hubValidationRules = [...specifiedRules, queryCountLimit(5, 5), depthLimit(5)];

export interface FakeProposal {
  id: string;
  space: string;
  author: string;
  created: number;
  updated: number | null;
  title: string;
  body: string;
  discussion: string;
  choices: string[];
  type: string;
  start: number;
  end: number;
  snapshot: number;
  privacy: string;
  labels: string[];
  network: string;
  symbol: string;
  quorum: number;
  quorumType: string;
  app: string;
  flagged: boolean;
  ipfs: string;
  strategies: { name: string; network: string; params: unknown }[];
}
export type ProposalInput = Partial<FakeProposal> & { space: string; title: string };
interface FakeMessage {
  mci: number;
  id: string;
  ipfs: string;
  type: string;
  timestamp: number;
  space: string;
  address: string;
}
export interface FakeVote {
  id: string;
  voter: string;
  proposal: string;
  space: string;
  created: number;
  choice: unknown;
  vp: number;
  reason: string;
  ipfs?: string;
  app?: string;
  metadata?: unknown;
}

export type HubFault =
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  | { kind: "delay"; ms: number }
  | { kind: "malformed" }
  | { kind: "partial" }
  | { kind: "tamper"; mutate: (data: Record<string, unknown>) => void };

export interface HubRequestLog {
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  apiKey: string | null;
  status: number;
  validationErrors: string[];
}

const voteKey = (voter: string, space: string, proposal: string) => `${voter.toLowerCase()}\n${space}\n${proposal}`;
const hex = (input: string) => `0x${createHash("sha256").update(input).digest("hex")}`;
const PROPOSAL_FIELDS = {
  id: "string",
  ipfs: "string",
  space: "string",
  author: "string",
  network: "string",
  created: "number",
  updated: "number",
  app: "string",
  start: "number",
  end: "number",
  type: "string",
  votes: "number",
} as const;
const MESSAGE_FIELDS = {
  id: "string",
  mci: "number",
  address: "string",
  timestamp: "number",
  space: "string",
  type: "string",
} as const;
const VOTE_FIELDS = {
  id: "string",
  space: "string",
  voter: "string",
  proposal: "string",
  created: "number",
  vp: "number",
} as const;

export class FakeSnapshotHub {
  /** The hub's clock, unix seconds; tests move it. */
  now = 1_750_000_000;
  readonly proposals = new Map<string, FakeProposal>();
  readonly messages: FakeMessage[] = [];
  readonly votes: FakeVote[] = [];
  readonly requests: HubRequestLog[] = [];
  readonly faults: HubFault[] = [];
  /** Proposals whose message is in the log but whose row is not readable yet (the hub's tables can lag). */
  readonly lagging = new Set<string>();
  apiKeys: string[] | null = null;
  private vps = new Map<string, number>();
  /** The newest vote per voter, space and proposal, indexed up to `votes[indexedVotes - 1]` (see `findVote`). */
  private voteIndex = new Map<string, FakeVote>();
  private indexedVotes = 0;
  private mci = 0;
  private server: Server | null = null;

  /** Publishes a proposal now (or at `created`), with its "proposal" message in the log. Returns its id. */
  createProposal(input: ProposalInput): string {
    const created = input.created ?? this.now;
    const id =
      input.id ??
      hex(`${input.space}/${input.title}/${created}/${this.proposals.size}/${randomBytes(4).toString("hex")}`);
    const proposal: FakeProposal = {
      author: "0x91FD2c8d24767db4Ece7069AA27832ffaf8590f3",
      updated: null,
      body: "",
      discussion: "",
      choices: ["For", "Against", "Abstain"],
      type: "single-choice",
      start: created + 3600,
      end: created + 3 * 86400,
      snapshot: 19_000_000,
      privacy: "",
      labels: [],
      network: "1",
      symbol: "VOTE",
      quorum: 0,
      quorumType: "",
      app: "snapshot",
      flagged: false,
      ipfs: `bafkrei${id.slice(2, 40)}`,
      strategies: [{ name: "erc20-balance-of", network: "1", params: { symbol: "VOTE", decimals: 18 } }],
      ...input,
      id,
      created,
    };
    this.proposals.set(id, proposal);
    this.log("proposal", proposal.space, id, created);
    return id;
  }

  /** Edits a proposal the way `update-proposal` does: new content, `updated` set, a message whose id is not the proposal's. */
  editProposal(id: string, changes: Partial<FakeProposal>, at = this.now): void {
    const proposal = this.proposals.get(id);
    if (!proposal) throw new Error(`no proposal ${id}`);
    Object.assign(proposal, changes, { updated: at });
    this.log("update-proposal", proposal.space, hex(`update/${id}/${at}/${randomBytes(4).toString("hex")}`), at);
  }

  /** Deletes a proposal: its row goes, a `delete-proposal` message (naming only the space) stays in the log. */
  deleteProposal(id: string): void {
    const proposal = this.proposals.get(id);
    if (!proposal) throw new Error(`no proposal ${id}`);
    this.proposals.delete(id);
    this.log("delete-proposal", proposal.space, hex(`delete/${id}/${randomBytes(4).toString("hex")}`), this.now);
  }

  addVote(vote: Omit<FakeVote, "id" | "space"> & { id?: string }): string {
    const proposal = this.proposals.get(vote.proposal);
    const id = vote.id ?? hex(`vote/${vote.voter}/${vote.proposal}`);
    this.votes.push({ ...vote, id, space: proposal?.space ?? "" });
    return id;
  }

  setVotingPower(voter: string, space: string, vp: number): void {
    this.vps.set(`${voter.toLowerCase()}\n${space}`, vp);
  }

  /** What `vp` answers for a voter in a space (0 unless set): the fake sequencer refuses votes on the same numbers. */
  votingPowerOf(voter: string, space: string): number {
    return this.vps.get(`${voter.toLowerCase()}\n${space}`) ?? 0;
  }

  /**
   * The vote a voter has on record for a proposal (the newest, addresses compared in any case), as the sequencer's
   * `SELECT … WHERE voter = ? AND proposal = ? AND space = ? ORDER BY created DESC LIMIT 1` finds it. Votes pushed
   * since the last call are indexed first, so a sequencer writing thousands of votes does not rescan them all.
   */
  findVote(voter: string, space: string, proposal: string): FakeVote | undefined {
    for (; this.indexedVotes < this.votes.length; this.indexedVotes += 1) {
      const vote = this.votes[this.indexedVotes] as FakeVote;
      const key = voteKey(vote.voter, vote.space, vote.proposal);
      const known = this.voteIndex.get(key);
      if (!known || known.created <= vote.created) this.voteIndex.set(key, vote);
    }
    return this.voteIndex.get(voteKey(voter, space, proposal));
  }

  /** Stores a vote the sequencer accepted: a voter's newer vote replaces their old one in place, as the hub's table does. */
  putVote(vote: FakeVote): void {
    const known = this.findVote(vote.voter, vote.space, vote.proposal);
    if (known) Object.assign(known, vote);
    else this.votes.push(vote);
  }

  /** Requests per operation name, for "how many requests did that take". */
  requestCount(operationName?: string): number {
    return this.requests.filter((r) => operationName === undefined || r.operationName === operationName).length;
  }

  async listen(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  private log(type: string, space: string, id: string, timestamp: number): void {
    this.mci += 1;
    this.messages.push({
      mci: this.mci,
      id,
      ipfs: `bafkrei${id.slice(2, 40)}`,
      type,
      timestamp,
      space,
      address: "0x0",
    });
  }

  private state(p: FakeProposal): string {
    if (this.now > p.end) return "closed";
    return this.now > p.start ? "active" : "pending";
  }

  private format = (p: FakeProposal) => ({
    ...p,
    space: { id: p.space },
    state: this.state(p),
    link: `https://snapshot.box/#/s:${p.space}/proposal/${p.id}`,
  });

  /** The resolvers, written after snapshot-hub's operations (proposals.ts, messages.ts, votes.ts, vp.ts). */
  private root = {
    proposals: (args: {
      first: number;
      skip: number;
      where?: Record<string, unknown>;
      orderBy?: string;
      orderDirection?: string;
    }) => {
      checkLimits(args, "proposals");
      const where = args.where ?? {};
      const matches = compileWhere(where, PROPOSAL_FIELDS);
      const rows = [...this.proposals.values()].filter(
        (p) =>
          !this.lagging.has(p.id) &&
          matches(p as unknown as Record<string, unknown>) &&
          (!where.state || this.state(p) === where.state) &&
          (where.flagged === undefined || where.flagged === null || p.flagged === where.flagged),
      );
      const numeric = Object.entries(PROPOSAL_FIELDS)
        .filter(([, t]) => t === "number")
        .map(([f]) => f);
      const orderBy = numeric.includes(args.orderBy ?? "") ? (args.orderBy as string) : "created";
      const rowsSorted = orderAndSlice(
        rows as unknown as Record<string, unknown>[],
        orderBy,
        args.orderDirection ?? "desc",
        args.skip,
        args.first,
      );
      return (rowsSorted as unknown as FakeProposal[]).map(this.format);
    },
    proposal: ({ id }: { id: string }) => {
      const p = this.proposals.get(id);
      return p && !this.lagging.has(id) ? this.format(p) : null;
    },
    messages: (args: {
      first: number;
      skip: number;
      where?: Record<string, unknown>;
      orderBy?: string;
      orderDirection?: string;
    }) => {
      checkLimits(args, "messages");
      const matches = compileWhere(args.where ?? {}, MESSAGE_FIELDS);
      const rows = this.messages.filter((m) => matches(m as unknown as Record<string, unknown>));
      const orderBy = ["mci", "timestamp"].includes(args.orderBy ?? "") ? (args.orderBy as string) : "timestamp";
      return orderAndSlice(
        rows as unknown as Record<string, unknown>[],
        orderBy,
        args.orderDirection ?? "desc",
        args.skip,
        args.first,
      );
    },
    votes: (args: {
      first: number;
      skip: number;
      where?: Record<string, unknown>;
      orderBy?: string;
      orderDirection?: string;
    }) => {
      checkLimits(args, "votes");
      const matches = compileWhere(args.where ?? {}, VOTE_FIELDS);
      const rows = this.votes.filter((v) => matches(v as unknown as Record<string, unknown>));
      const orderBy = ["created", "vp"].includes(args.orderBy ?? "") ? (args.orderBy as string) : "created";
      return (
        orderAndSlice(
          rows as unknown as Record<string, unknown>[],
          orderBy,
          args.orderDirection ?? "desc",
          args.skip,
          args.first,
        ) as unknown as FakeVote[]
      ).map((v) => ({
        ...v,
        space: { id: v.space },
        proposal: this.proposals.has(v.proposal) ? this.format(this.proposals.get(v.proposal) as FakeProposal) : null,
      }));
    },
    vp: ({ voter, space, proposal }: { voter: string; space: string; proposal?: string }) => {
      if (voter === "" || voter === "0x0000000000000000000000000000000000000000") throw new Error("invalid address");
      const p = proposal ? this.proposals.get(proposal) : undefined;
      if (proposal && !p) throw new Error("proposal not found");
      const vp = this.vps.get(`${voter.toLowerCase()}\n${space}`) ?? 0;
      return { vp, vp_by_strategy: [vp], vp_state: p && this.state(p) === "closed" ? "final" : "pending" };
    },
  };

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const piece of request) chunks.push(piece as Buffer);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      response.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    let payload: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return reply(400, { errors: [{ message: "Unexpected token in JSON body" }] });
    }
    const entry: HubRequestLog = {
      operationName: payload.operationName ?? null,
      query: payload.query ?? "",
      variables: payload.variables ?? {},
      apiKey: (request.headers["x-api-key"] as string | undefined) ?? null,
      status: 200,
      validationErrors: [],
    };
    this.requests.push(entry);
    const send = (status: number, body: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      reply(status, body, headers);
    };
    if (entry.apiKey && this.apiKeys && !this.apiKeys.includes(entry.apiKey)) {
      return send(401, { error: "unauthorized", error_description: "invalid api key" });
    }
    const fault = this.faults.shift();
    if (fault?.kind === "status") {
      const headers: Record<string, string> = fault.retryAfter ? { "retry-after": fault.retryAfter } : {};
      return send(
        fault.status,
        fault.body ?? { error: "unauthorized", error_description: "too many requests" },
        headers,
      );
    }
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === "malformed") return send(200, '{"data":{"feed":[{"mci":1,');

    let document: ReturnType<typeof parse>;
    try {
      document = parse(payload.query ?? "");
    } catch (error) {
      entry.validationErrors.push((error as Error).message);
      return send(400, { errors: [{ message: (error as Error).message }] });
    }
    const invalid = validate(hubSchema, document, hubValidationRules);
    if (invalid.length > 0) {
      entry.validationErrors.push(...invalid.map((e) => e.message));
      return send(400, { errors: invalid.map((e) => ({ message: e.message })) });
    }
    const result = await execute({
      schema: hubSchema,
      document,
      rootValue: this.root,
      variableValues: payload.variables,
      operationName: payload.operationName,
    });
    const body: { data?: Record<string, unknown> | null; errors?: unknown[] } = {
      data: result.data as Record<string, unknown> | null,
      ...(result.errors
        ? { errors: result.errors.map((e: GraphQLError) => ({ message: e.message, path: e.path })) }
        : {}),
    };
    if (fault?.kind === "partial" && body.data) {
      const first = Object.keys(body.data)[0] as string;
      body.data[first] = null;
      body.errors = [...(body.errors ?? []), { message: "request failed", path: [first] }];
    }
    if (fault?.kind === "tamper" && body.data) fault.mutate(body.data);
    const headers: Record<string, string> = entry.apiKey
      ? { "x-api-key-limit": "2000", "x-api-key-remaining": "1999" }
      : {};
    send(body.data === null ? 500 : 200, body, headers);
  }
}
