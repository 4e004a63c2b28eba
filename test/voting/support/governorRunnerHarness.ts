// Governor casting end to end: a real database, a real in-process EVM behind a JSON-RPC server over HTTP (as an RPC
// provider serves it), real OpenZeppelin Governors (simple and fractional counting), the real caster, outbox, override
// store and casting switch. Rows are seeded as the planner and the announcer leave them: announced, due now.
import { randomUUID } from "node:crypto";
import { type Address, createWalletClient, custom, type Hex, parseEther } from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { type AuditLog, createAuditLog } from "../../../src/audit/auditLog.js";
import { Secret } from "../../../src/config/secret.js";
import type { Cast, Prisma, PrismaClient, SpaceMode } from "../../../src/generated/prisma/client.js";
import { type ChainClient, createChainClient } from "../../../src/sources/governor/chainClient.js";
import { governorAbi } from "../../../src/sources/governor/governorAbi.js";
import { type CastingSwitch, createCastingSwitch } from "../../../src/spaces/castingSwitch.js";
import { DEFAULT_TAXONOMY } from "../../../src/values/taxonomy.js";
import { drainDueCasts } from "../../../src/voting/castJob.js";
import { type CastOutbox, createCastOutbox } from "../../../src/voting/castOutbox.js";
import {
  createGovernorCastRunner,
  type GovernorCastRunner,
  type GovernorCastRunnerOptions,
} from "../../../src/voting/governorCastRunner.js";
import { createKeyring, type Keyring } from "../../../src/voting/keyring.js";
import { createOverrideStore, type OverrideStore } from "../../../src/voting/overrideStore.js";
import { FakeJsonRpcServer } from "../../fakes/jsonRpcServer.js";
import { type BravoDao, deployBravoDao } from "../../support/evm/bravoDao.js";
import { type Dao, deployDao, erc20Abi, tokens } from "../../support/evm/governorDao.js";
import { createTestChain, DEV_KEYS, type TestChain } from "../../support/evm/testChain.js";
import type { TestDatabase } from "../../support/testDatabase.js";
import { seedDigest, seedProfile } from "../../values/seed.js";

export const DEV_PHRASE = "test test test test test test test test test test test junk";
export const EXPLORER = "https://explorer.test";
export { tokens };

export interface GovernorRunnerHarness {
  prisma: PrismaClient;
  chain: TestChain;
  rpc: FakeJsonRpcServer;
  client: ChainClient;
  keyring: Keyring;
  relayer: PrivateKeyAccount;
  audit: AuditLog;
  casting: CastingSwitch;
  overrides: OverrideStore;
  outbox: CastOutbox;
  simple: Dao;
  fractional: Dao;
  /** A Compound GovernorBravo (receipts, castVoteBySig with v, r, s). */
  bravo: BravoDao;
  /** The endpoint answers every request with HTTP 503 until `up()`. */
  down(): void;
  up(): Promise<void>;
  clock(): Date;
  advance(seconds: number): void;
  runner(options?: Partial<GovernorCastRunnerOptions>): GovernorCastRunner;
  drain(runner: GovernorCastRunner): ReturnType<typeof drainDueCasts>;
  /** A fresh agent index and its address. */
  agent(): { index: number; address: Address };
  /** A fresh account with ETH and `amount` tokens, delegated to `delegatee` (itself when omitted). */
  holder(dao: AnyDao, amount: bigint, delegatee?: Address): Promise<PrivateKeyAccount>;
  /** Opens a proposal on `dao` (voting starts one block later) and stores it as the watcher would. */
  proposal(dao: AnyDao, options?: { mode?: SpaceMode; pooled?: { index: number; address: Address } }): Promise<Seeded>;
  /** Seeds an announced row, due now, for a member (with a live decision) or for the space's pooled delegate. */
  row(p: Seeded, input: RowInput): Promise<Cast>;
  /** `account` votes itself with `castVote` (a member voting with their own wallet). */
  voteAs(account: PrivateKeyAccount, p: Seeded, support: number): Promise<void>;
  sentBy(address: Address): Promise<number>;
  close(): Promise<void>;
}

/** What the harness needs of an OpenZeppelin or a Bravo test DAO. */
export type AnyDao = Pick<Dao, "token" | "governor" | "transferCall" | "votes"> & {
  propose(calls: readonly { target: Address; data: Hex }[], description: string): Promise<bigint>;
};

export interface Seeded {
  spaceId: string;
  proposalId: string;
  versionId: string;
  onChainId: bigint;
  dao: AnyDao;
}

export type RowInput =
  | { kind: "personal"; agent: { index: number; address: Address }; choice: number; wallet?: Address }
  | { kind: "pooled"; agent: { index: number; address: Address }; choice: Prisma.InputJsonValue };

const OUTAGE_REQUESTS = 1_000;

let agentCounter = 0;

export async function startGovernorRunner(t: TestDatabase, chainId: number): Promise<GovernorRunnerHarness> {
  const prisma = t.db.prisma;
  const chain = await createTestChain({ chainId });
  const rpc = new FakeJsonRpcServer(chain.provider);
  const url = await rpc.listen();
  const client = createChainClient({
    chainId,
    url,
    timeoutMs: 10_000,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    sleep: async () => undefined,
  });
  let now = Date.now();
  const clock = () => new Date(now);
  const audit = createAuditLog({ prisma, clock });
  const casting = createCastingSwitch({ prisma, audit });
  const overrides = createOverrideStore({ prisma, audit, clock });
  const outbox = createCastOutbox({ prisma, audit });
  const keyring = createKeyring(new Secret(DEV_PHRASE));
  const relayer = privateKeyToAccount(DEV_KEYS[4]);
  const simple = await deployDao(chain, { votingDelay: 1, votingPeriod: 500, symbol: "SMP" });
  const fractional = await deployDao(chain, {
    counting: "fractional",
    votingDelay: 1,
    votingPeriod: 500,
    symbol: "FRC",
  });
  const bravo = await deployBravoDao(chain, { votingDelay: 1, votingPeriod: 500 });

  const h: GovernorRunnerHarness = {
    prisma,
    chain,
    rpc,
    client,
    keyring,
    relayer,
    audit,
    casting,
    overrides,
    outbox,
    simple,
    fractional,
    bravo,
    down() {
      rpc.failNext(null, { kind: "http", status: 503 }, OUTAGE_REQUESTS);
    },
    async up() {
      // The fake endpoint fails a counted number of requests: spend what is left of the outage.
      for (let i = 0; i <= OUTAGE_REQUESTS; i++) {
        const answer = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        });
        await answer.arrayBuffer();
        if (answer.ok) return;
      }
    },
    clock,
    advance(seconds) {
      now += seconds * 1000;
    },
    runner(options = {}) {
      return createGovernorCastRunner({
        prisma,
        outbox,
        casting,
        overrides,
        chains: (id) => (id === chainId ? client : undefined),
        keyring,
        relayer,
        safetyMarginSeconds: 600,
        clock,
        baseDelayMs: 1_000,
        explorer: () => EXPLORER,
        ...options,
      });
    },
    drain: (runner) => drainDueCasts({ outbox, runners: { governor: runner }, casting, clock }),
    agent() {
      agentCounter += 1;
      const index = 7_000 + agentCounter;
      return { index, address: keyring.address(index) as Address };
    },
    async holder(dao, amount, delegatee) {
      const account = privateKeyToAccount(generatePrivateKey());
      await chain.client.sendTransaction({
        account: chain.deployer.address,
        chain: null,
        to: account.address,
        value: parseEther("1"),
      });
      await chain.send(chain.deployer.address, dao.token, erc20Abi, "mint", [account.address, amount]);
      const wallet = createWalletClient({ account, transport: custom(chain.provider, { retryCount: 0 }) });
      const hash = await wallet.writeContract({
        chain: null,
        address: dao.token,
        abi: erc20Abi,
        functionName: "delegate",
        args: [delegatee ?? account.address],
      });
      await chain.client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
      return account;
    },
    async proposal(dao, options = {}) {
      const description = `# Fund the audit ${randomUUID()}\nPay for an audit.`;
      const onChainId = await dao.propose([dao.transferCall(chain.accounts[3]?.address as Address, 1n)], description);
      const createdIn = await chain.blockNumber();
      await chain.mine(2);
      // GovernorBravo has no proposalSnapshot (its startBlock is read by the caster): no timepoint is stored.
      const snapshot = await chain.client
        .readContract({ address: dao.governor, abi: governorAbi, functionName: "proposalSnapshot", args: [onChainId] })
        .catch(() => null);
      const externalId = `${chainId}:${dao.governor.toLowerCase()}`;
      const spaceData = {
        mode: options.mode ?? "live",
        votingMode: options.pooled ? ("pooled" as const) : ("personal" as const),
        pooledAgentIndex: options.pooled?.index ?? null,
        pooledAgentAddress: options.pooled?.address ?? null,
      };
      const space = await prisma.space.upsert({
        where: { kind_externalId: { kind: "governor", externalId } },
        create: {
          kind: "governor",
          externalId,
          name: "Governor DAO",
          chainId,
          tokenAddress: dao.token.toLowerCase(),
          taxonomy: DEFAULT_TAXONOMY,
          vetoWindowSeconds: 30,
          ...spaceData,
        },
        update: spaceData,
      });
      const contentHash = randomUUID();
      const proposal = await prisma.proposal.create({
        data: {
          spaceId: space.id,
          source: "governor",
          externalId: onChainId.toString(),
          title: "Fund the audit",
          body: description,
          choices: ["Against", "For", "Abstain"],
          votingType: "basic",
          startAt: new Date(now - 60_000),
          endAt: new Date(now + 86_400_000),
          snapshotTimepoint: snapshot === null ? null : snapshot.toString(),
          state: "active",
          contentHash,
          raw: { kind: "governor", createdIn: { blockNumber: createdIn.toString() } },
        },
      });
      const version = await prisma.proposalVersion.create({
        data: {
          proposalId: proposal.id,
          version: 1,
          contentHash,
          title: proposal.title,
          body: proposal.body,
          choices: proposal.choices as Prisma.InputJsonValue,
        },
      });
      return { spaceId: space.id, proposalId: proposal.id, versionId: version.id, onChainId, dao };
    },
    async row(p, input) {
      let memberId: string | null = null;
      let decisionId: string | null = null;
      if (input.kind === "personal") {
        const member = await prisma.member.create({
          data: {
            discordUserId: `discord-${randomUUID()}`,
            agentIndex: input.agent.index,
            agentAddress: input.agent.address,
            walletAddress: input.wallet ?? null,
          },
        });
        memberId = member.id;
        const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id: p.proposalId } });
        const digest = await seedDigest(prisma, proposal, p.versionId, {});
        const profile = await seedProfile(prisma, member.id, p.spaceId, {});
        const reason = "Decided on security and treasury prudence.";
        const decision = await prisma.decision.create({
          data: {
            proposalId: p.proposalId,
            memberId: member.id,
            digestId: digest.id,
            profileId: profile.id,
            taxonomyVersion: 1,
            outcome: "vote",
            choice: input.choice,
            utilities: {},
            contributions: {},
            rulesFired: [],
            explanation: { line: reason, threadLine: reason, paragraph: reason, reason },
          },
        });
        decisionId = decision.id;
      }
      return prisma.cast.create({
        data: {
          proposalId: p.proposalId,
          spaceId: p.spaceId,
          voterAddress: input.agent.address,
          voterKind: input.kind,
          memberId,
          decisionId,
          announcedDecisionId: decisionId,
          agentIndex: input.agent.index,
          choice: input.choice,
          state: "announced",
          announcedAt: new Date(now - 31_000),
          dueAt: new Date(now - 1_000),
          dryRun: false,
        },
      });
    },
    async voteAs(account, p, support) {
      const wallet = createWalletClient({ account, transport: custom(chain.provider, { retryCount: 0 }) });
      const hash = await wallet.writeContract({
        chain: null,
        address: p.dao.governor,
        abi: governorAbi,
        functionName: "castVote",
        args: [p.onChainId, support],
      });
      await chain.client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
    },
    sentBy: (address) => chain.client.getTransactionCount({ address }),
    async close() {
      await rpc.close();
      await chain.close();
    },
  };
  return h;
}

/** The hash of a vote's transaction as the row recorded it. */
export function txHashOf(row: Cast): Hex {
  if (!row.txHash) throw new Error(`cast ${row.id} has no transaction`);
  return row.txHash as Hex;
}
