import {
  type Address,
  concatHex,
  decodeFunctionData,
  formatEther,
  formatUnits,
  type Hex,
  isHex,
  toFunctionSelector,
} from "viem";
import { z } from "zod";
import { erc20CallsAbi } from "./governorAbi.js";

// What a Governor proposal executes if it passes: its calls (target, ETH value, calldata), decoded where Tribune knows
// the function. The decoded calls become plain sentences ("actions") the digest reads as facts, so a treasury
// transfer's amount and recipient are checkable numbers and addresses rather than hex.

/** An ERC-20 token's display metadata, read from the token; null where the token does not say. */
export interface TokenInfo {
  symbol: string | null;
  decimals: number | null;
}

export const decodedCallSchema = z.discriminatedUnion("function", [
  z.object({
    function: z.enum(["transfer", "approve"]),
    token: z.string(),
    /** The recipient (transfer) or the spender (approve). */
    to: z.string(),
    /** Token base units, as a decimal string. */
    amount: z.string(),
    symbol: z.string().nullable(),
    decimals: z.number().int().nullable(),
  }),
  z.object({
    function: z.literal("transferFrom"),
    token: z.string(),
    from: z.string(),
    to: z.string(),
    amount: z.string(),
    symbol: z.string().nullable(),
    decimals: z.number().int().nullable(),
  }),
]);
export type DecodedCall = z.infer<typeof decodedCallSchema>;

export const proposalCallSchema = z.object({
  target: z.string(),
  /** Wei, as a decimal string. */
  value: z.string(),
  /** GovernorBravo-style signature ("transfer(address,uint256)"); empty when the calldata carries the selector. */
  signature: z.string(),
  calldata: z.string(),
  decoded: decodedCallSchema.nullable(),
});
export type ProposalCall = z.infer<typeof proposalCallSchema>;

/** The full calldata of one call: Bravo-style calls carry the arguments only, after a separate signature. */
export function fullCalldata(signature: string, calldata: Hex): Hex {
  if (signature.trim() === "") return calldata;
  return concatHex([toFunctionSelector(signature.trim()), calldata]);
}

/** Decodes an ERC-20 transfer, approve or transferFrom; null for anything else (or calldata that does not parse). */
export function decodeErc20Call(target: Address, data: Hex, token: TokenInfo | null): DecodedCall | null {
  if (!isHex(data) || data.length < 10) return null;
  try {
    const { functionName, args } = decodeFunctionData({ abi: erc20CallsAbi, data });
    const meta = { token: target.toLowerCase(), symbol: token?.symbol ?? null, decimals: token?.decimals ?? null };
    if (functionName === "transferFrom") {
      const [from, to, amount] = args;
      return {
        function: "transferFrom",
        from: from.toLowerCase(),
        to: to.toLowerCase(),
        amount: String(amount),
        ...meta,
      };
    }
    const [to, amount] = args;
    return { function: functionName, to: to.toLowerCase(), amount: String(amount), ...meta };
  } catch {
    return null;
  }
}

/** A token symbol fit to print: the token contract is the proposer's to choose, so anything odd is not shown. */
export function safeSymbol(symbol: string): string | null {
  return /^[A-Za-z0-9$._-]{1,12}$/.test(symbol) ? symbol : null;
}

/** One sentence per call, numbered as on chain, for the digest and for display. */
export function describeCalls(calls: readonly ProposalCall[]): string[] {
  return calls.map((call, i) => `On-chain action ${i + 1}: ${describeCall(call)}.`);
}

function describeCall(call: ProposalCall): string {
  const eth = BigInt(call.value) > 0n ? `, sending ${groupDigits(formatEther(BigInt(call.value)))} ETH` : "";
  const d = call.decoded;
  if (!d) {
    const selector = call.signature.trim() || call.calldata.slice(0, 10);
    return `call ${call.target} (function ${selector || "none"})${eth}`;
  }
  // The token named by symbol when it has a readable one; its address always, after the recipient, so the first
  // address in the sentence is who receives.
  const amount = tokenAmount(d.amount, d.decimals, d.symbol);
  const token = `(token contract ${d.token})`;
  if (d.function === "transferFrom") return `transfer ${amount} to ${d.to} from ${d.from} ${token}${eth}`;
  if (d.function === "transfer") return `transfer ${amount} to ${d.to} ${token}${eth}`;
  return `approve ${d.to} to spend ${amount} ${token}${eth}`;
}

function tokenAmount(amount: string, decimals: number | null, symbol: string | null): string {
  if (decimals === null) return `${groupDigits(amount)} base units`;
  const units = groupDigits(formatUnits(BigInt(amount), decimals));
  return symbol ? `${units} ${symbol}` : `${units} tokens`;
}

/** 1234567.5 → "1,234,567.5": how amounts are written in proposals, and how the fact extractor reads them. */
export function groupDigits(decimal: string): string {
  const [whole = "0", fraction] = decimal.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction ? `${grouped}.${fraction}` : grouped;
}
