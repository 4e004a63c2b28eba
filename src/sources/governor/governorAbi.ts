import { parseAbi } from "viem";

// The parts of OpenZeppelin Governor (4.x/5.x) and ERC20Votes that Tribune reads and calls. ProposalCreated has the
// same signature in Compound GovernorBravo, so one event definition indexes both.
// @see https://docs.openzeppelin.com/contracts/5.x/api/governance

/** OpenZeppelin Governor: events, reads, votes and the custom errors a vote can revert with. */
export const governorAbi = parseAbi([
  "event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)",
  "function name() view returns (string)",
  "function version() view returns (string)",
  "function token() view returns (address)",
  "function state(uint256 proposalId) view returns (uint8)",
  "function proposalSnapshot(uint256 proposalId) view returns (uint256)",
  "function proposalDeadline(uint256 proposalId) view returns (uint256)",
  "function proposalVotes(uint256 proposalId) view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)",
  "function quorum(uint256 timepoint) view returns (uint256)",
  "function COUNTING_MODE() view returns (string)",
  "function CLOCK_MODE() view returns (string)",
  "function clock() view returns (uint48)",
  "function hasVoted(uint256 proposalId, address account) view returns (bool)",
  "function usedVotes(uint256 proposalId, address account) view returns (uint256)",
  "function getVotes(address account, uint256 timepoint) view returns (uint256)",
  "function nonces(address owner) view returns (uint256)",
  "function castVote(uint256 proposalId, uint8 support) returns (uint256)",
  "function castVoteWithReason(uint256 proposalId, uint8 support, string reason) returns (uint256)",
  "function castVoteWithReasonAndParams(uint256 proposalId, uint8 support, string reason, bytes params) returns (uint256)",
  "function castVoteBySig(uint256 proposalId, uint8 support, address voter, bytes signature) returns (uint256)",
  "function castVoteWithReasonAndParamsBySig(uint256 proposalId, uint8 support, address voter, string reason, bytes params, bytes signature) returns (uint256)",
  "error GovernorAlreadyCastVote(address voter)",
  "error GovernorNonexistentProposal(uint256 proposalId)",
  "error GovernorUnexpectedProposalState(uint256 proposalId, uint8 current, bytes32 expectedStates)",
  "error GovernorInvalidSignature(address voter)",
  "error GovernorInvalidVoteType()",
  "error GovernorInvalidVoteParams()",
  "error GovernorExceedRemainingWeight(address voter, uint256 usedVotes, uint256 remainingWeight)",
  "error GovernorDisabledDeposit()",
]);

/**
 * Compound GovernorBravo's own reads and votes, where they differ from OpenZeppelin's: tallies in `proposals(id)`,
 * receipts instead of hasVoted, a constant quorum, `comp()` as the token, and castVoteBySig with v, r, s (no reason).
 * Its votes return nothing, so they are called through these entries, not governorAbi's.
 * @see https://github.com/compound-finance/compound-protocol/blob/master/contracts/Governance/GovernorBravoDelegate.sol
 */
export const governorBravoAbi = parseAbi([
  "function proposals(uint256 proposalId) view returns (uint256 id, address proposer, uint256 eta, uint256 startBlock, uint256 endBlock, uint256 forVotes, uint256 againstVotes, uint256 abstainVotes, bool canceled, bool executed)",
  "function getReceipt(uint256 proposalId, address voter) view returns ((bool hasVoted, uint8 support, uint96 votes))",
  "function proposalCount() view returns (uint256)",
  "function quorumVotes() view returns (uint256)",
  "function comp() view returns (address)",
  "function castVoteWithReason(uint256 proposalId, uint8 support, string reason)",
  "function castVoteBySig(uint256 proposalId, uint8 support, uint8 v, bytes32 r, bytes32 s)",
]);

/** ERC20Votes / ERC721Votes (EIP-5805): delegation and voting power, plus ERC-20 metadata for display. */
export const votesTokenAbi = parseAbi([
  "event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate)",
  "function delegates(address account) view returns (address)",
  "function getVotes(address account) view returns (uint256)",
  "function getPastVotes(address account, uint256 timepoint) view returns (uint256)",
  "function getPriorVotes(address account, uint256 blockNumber) view returns (uint96)",
  "function balanceOf(address account) view returns (uint256)",
  "function CLOCK_MODE() view returns (string)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
]);

/** The calls whose arguments Tribune decodes for the digest: ERC-20 transfers and approvals. */
export const erc20CallsAbi = parseAbi([
  "function transfer(address to, uint256 amount) returns (bool)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function transferFrom(address from, address to, uint256 amount) returns (bool)",
]);

/**
 * OpenZeppelin's ProposalState, in enum order (index = the uint8 `state()` returns).
 * @see https://github.com/OpenZeppelin/openzeppelin-contracts/blob/v5.1.0/contracts/governance/IGovernor.sol
 */
export const GOVERNOR_STATES = [
  "pending",
  "active",
  "canceled",
  "defeated",
  "succeeded",
  "queued",
  "expired",
  "executed",
] as const;
export type GovernorState = (typeof GOVERNOR_STATES)[number];

/** States after which nothing about a proposal changes any more: the watcher stops reading them. */
export const FINAL_STATES: ReadonlySet<GovernorState> = new Set(["canceled", "defeated", "expired", "executed"]);

/** The choices of every Governor proposal, in `support` order: choice n (1-based) is `support = n − 1`. */
export const GOVERNOR_CHOICES = ["Against", "For", "Abstain"] as const;
