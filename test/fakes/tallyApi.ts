// A local Tally GraphQL API: the slice of Tally's schema the adapter uses (proposals with cursor paging, the Node
// union, BlockOrTimestamp, 64-bit ids as the IntID scalar), executed by the real `graphql` package, behind the
// Api-Key header, with scripted faults (429 with Retry-After, a malformed answer).
// @see https://apidocs.tally.xyz
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSchema, graphql } from "graphql";

const SCHEMA = buildSchema(/* GraphQL */ `
  scalar IntID
  scalar AccountID
  scalar Timestamp
  scalar Uint256

  type Query {
    proposals(input: ProposalsInput!): PaginatedOutput!
  }
  input ProposalsInput {
    filters: ProposalsFiltersInput!
    page: PageInput
    sort: ProposalsSortInput
  }
  input ProposalsFiltersInput {
    governorId: AccountID
    organizationId: IntID
    includeArchived: Boolean
  }
  input PageInput {
    afterCursor: String
    beforeCursor: String
    limit: Int
  }
  input ProposalsSortInput {
    isDescending: Boolean!
    sortBy: ProposalsSortBy!
  }
  enum ProposalsSortBy {
    id
  }
  union Node = Proposal | Delegate
  type Delegate {
    id: IntID!
  }
  type PaginatedOutput {
    nodes: [Node!]!
    pageInfo: PageInfo!
  }
  type PageInfo {
    firstCursor: String
    lastCursor: String
    count: Int
  }
  enum ProposalStatus {
    active
    archived
    callexecuted
    canceled
    defeated
    draft
    executed
    expired
    extended
    pending
    queued
    submitted
    succeeded
    vetoed
  }
  type Proposal {
    id: IntID!
    onchainId: String
    status: ProposalStatus!
    createdAt: Timestamp!
    metadata: ProposalMetadata!
    start: BlockOrTimestamp!
    end: BlockOrTimestamp!
    proposer: Account
    creator: Account
    voteStats: [VoteStats!]
    executableCalls: [ExecutableCall!]
  }
  type ProposalMetadata {
    title: String
    description: String
    discourseURL: String
  }
  union BlockOrTimestamp = Block | BlocklessTimestamp
  type Block {
    number: Int!
    timestamp: Timestamp!
  }
  type BlocklessTimestamp {
    timestamp: Timestamp!
  }
  type Account {
    address: String!
  }
  type VoteStats {
    type: String!
    votesCount: Uint256!
  }
  type ExecutableCall {
    target: String!
    value: Uint256!
    calldata: String!
    signature: String
  }
`);

/** A proposal as the fake serves it; `id` is a decimal string of up to 64 bits. */
export interface FakeTallyProposal {
  id: string;
  governorId: string;
  onchainId: string;
  status: string;
  title: string;
  description: string;
  start: Date;
  end: Date;
  startBlock?: number;
  proposer: string;
  votes?: { for: string; against: string; abstain: string };
}

type Fault = { kind: "429"; retryAfterSeconds: number } | { kind: "malformed" } | { kind: "500" };

export class FakeTallyApi {
  readonly proposals: FakeTallyProposal[] = [];
  /** Every request's variables, in order. */
  readonly requests: { apiKey: string | undefined; variables: Record<string, unknown> }[] = [];
  /** Non-Proposal nodes to mix into pages (the union's other member). */
  delegatesPerPage = 0;
  private readonly faults: Fault[] = [];
  private server: Server | null = null;

  constructor(private readonly apiKey: string) {}

  /** The next request gets this fault instead of an answer. */
  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => {
        void this.answer(req.headers["api-key"] as string | undefined, body).then(({ status, headers, text }) => {
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(text);
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/query`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async answer(apiKey: string | undefined, body: string) {
    const request = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    this.requests.push({ apiKey, variables: request.variables ?? {} });
    if (apiKey !== this.apiKey) return { status: 401, headers: {}, text: '{"message":"Unauthorized"}' };
    const fault = this.faults.shift();
    if (fault?.kind === "429") {
      return { status: 429, headers: { "retry-after": String(fault.retryAfterSeconds) }, text: "Too Many Requests" };
    }
    if (fault?.kind === "500") return { status: 502, headers: {}, text: "Bad Gateway" };
    if (fault?.kind === "malformed") {
      // A Proposal whose id came back as a JSON number, and without its status.
      const text = '{"data":{"proposals":{"nodes":[{"id":2216829196431228823}],"pageInfo":{"lastCursor":null}}}}';
      return { status: 200, headers: {}, text };
    }
    const result = await graphql({
      schema: SCHEMA,
      source: request.query,
      variableValues: request.variables,
      rootValue: { proposals: (args: { input: ProposalsInputArgs }) => this.page(args.input) },
    });
    return { status: 200, headers: {}, text: JSON.stringify(result) };
  }

  private page(input: ProposalsInputArgs) {
    const limit = input.page?.limit ?? 20;
    if (limit > 20) throw new Error("page.limit must be at most 20");
    const descending = input.sort?.isDescending ?? false;
    const all = this.proposals
      .filter((p) => p.governorId === input.filters.governorId)
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1) * (descending ? -1 : 1));
    const after = input.page?.afterCursor;
    const start = after ? all.findIndex((p) => cursorOf(p) === after) + 1 : 0;
    const slice = all.slice(start, start + limit);
    const last = slice.at(-1);
    const more = start + limit < all.length;
    const delegates = Array.from({ length: this.delegatesPerPage }, (_, i) => ({ __typename: "Delegate", id: `${i}` }));
    return {
      nodes: [...slice.map(toNode), ...delegates],
      pageInfo: { firstCursor: null, lastCursor: last && more ? cursorOf(last) : null, count: slice.length },
    };
  }
}

interface ProposalsInputArgs {
  filters: { governorId?: string };
  page?: { afterCursor?: string; limit?: number };
  sort?: { isDescending: boolean };
}

const cursorOf = (p: FakeTallyProposal) => Buffer.from(`proposal:${p.id}`).toString("base64");

function toNode(p: FakeTallyProposal) {
  const point = (at: Date, number?: number) =>
    number === undefined
      ? { __typename: "BlocklessTimestamp", timestamp: at.toISOString() }
      : { __typename: "Block", number, timestamp: at.toISOString() };
  return {
    __typename: "Proposal",
    id: p.id,
    onchainId: p.onchainId,
    status: p.status,
    createdAt: p.start.toISOString(),
    metadata: { title: p.title, description: p.description, discourseURL: null },
    start: point(p.start, p.startBlock),
    end: point(p.end, p.startBlock === undefined ? undefined : p.startBlock + 100),
    proposer: { address: p.proposer },
    creator: { address: p.proposer },
    voteStats: p.votes
      ? [
          { type: "for", votesCount: p.votes.for },
          { type: "against", votesCount: p.votes.against },
          { type: "abstain", votesCount: p.votes.abstain },
        ]
      : [],
    executableCalls: [],
  };
}
