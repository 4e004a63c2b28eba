import { getVariableValues, type OperationDefinitionNode, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { hubLimits } from "../../../src/sources/snapshot/hubLimits.js";
import { PROPOSAL_FRAGMENT, PROPOSAL_SELECTION } from "../../../src/sources/snapshot/hubProposal.js";
import { type HubRequest, listQuery } from "../../../src/sources/snapshot/hubRequest.js";
import { feedHeadRequest } from "../../../src/sources/snapshot/operations/feedHead.js";
import { proposalFeedRequest } from "../../../src/sources/snapshot/operations/proposalFeed.js";
import { proposalsWhereRequest } from "../../../src/sources/snapshot/operations/proposalsWhere.js";
import { votesRoot } from "../../../src/sources/snapshot/operations/votesWhere.js";
import { votingPowerRequest } from "../../../src/sources/snapshot/operations/votingPower.js";
import { hubSchema, hubValidationRules } from "../../fakes/snapshotHub.js";

const spaces = (n: number) => Array.from({ length: n }, (_, i) => `space-${i}.eth`);

/** Every request shape Tribune sends, at its smallest and its largest. */
const requests: [string, Pick<HubRequest<unknown>, "document" | "variables">][] = [
  ["feed alone", proposalFeedRequest({ afterMci: 5, spaceBatches: [], since: 1 })],
  ["feed + 1 batch", proposalFeedRequest({ afterMci: 5, spaceBatches: [spaces(3)], since: 1 })],
  ["feed + 2 batches", proposalFeedRequest({ afterMci: 5, spaceBatches: [spaces(10_000), spaces(2)], since: 1 })],
  ["feed head", feedHeadRequest()],
  ["lookup by ids", proposalsWhereRequest("proposalLookup", [{ where: { id_in: ["0x1"] }, first: 100 }])],
  [
    "lookup, five slices",
    proposalsWhereRequest("proposalLookup", [
      { where: { id_in: spaces(100) }, first: 100 },
      { where: { space_in: spaces(100), updated_gte: 1_700_000_000 }, orderBy: "updated" },
      { where: { id_in: ["0x2"] }, first: 100 },
      { where: { space_in: spaces(10_000), created_gte: 1, end_gt: 2 }, skip: 5_000 },
      { where: { id_in: ["0x3"] }, first: 100 },
    ]),
  ],
  ["voting power", votingPowerRequest({ voter: "0xabc", space: "aave.eth", proposal: "0x1" })],
  ["voting power, no proposal", votingPowerRequest({ voter: "0xabc", space: "aave.eth" })],
  [
    "backfill page",
    listQuery(
      "spaceBackfill",
      [
        {
          alias: "l0",
          field: "proposals",
          first: 1000,
          skip: 0,
          where: { space_in: spaces(10_000), end_gt: 1, created_gte: 2 },
          orderBy: "created",
          orderDirection: "asc",
          selection: PROPOSAL_SELECTION,
        },
      ],
      [PROPOSAL_FRAGMENT],
    ),
  ],
  [
    "votes, five pairs",
    listQuery(
      "votes",
      Array.from({ length: 5 }, (_, i) =>
        votesRoot(`l${i}`, { voter_in: spaces(100), proposal_in: spaces(100), created_gte: 3 }, 1000, 0),
      ),
    ),
  ],
];

describe("every query Tribune sends to the hub", () => {
  it.each(requests)("%s is valid against the hub's real schema and limits", (_, request) => {
    const document = parse(request.document);
    expect(validate(hubSchema, document, hubValidationRules).map((e) => e.message)).toEqual([]);
    // Variables carry the `where` filters: a misspelt filter key fails here, not only on the live hub.
    const operation = document.definitions[0] as OperationDefinitionNode;
    const coerced = getVariableValues(hubSchema, operation.variableDefinitions ?? [], request.variables);
    expect(coerced.errors?.map((e) => e.message) ?? []).toEqual([]);
  });

  it("catches a misspelt field or filter (the test above would fail on one)", () => {
    const typo = parse('query q { proposals(where: { space_in: ["a"] }) { id titel } }');
    const [error] = validate(hubSchema, typo, hubValidationRules);
    expect(error?.message).toMatch(/^Cannot query field "titel" on type "Proposal"/);
    const { document, variables } = proposalsWhereRequest("q", [{ where: { spaces_in: ["a"] } }]);
    const operation = parse(document).definitions[0] as OperationDefinitionNode;
    expect(getVariableValues(hubSchema, operation.variableDefinitions ?? [], variables).errors?.[0]?.message).toContain(
      'Field "spaces_in" is not defined by type "ProposalWhere"',
    );
  });

  it("cannot be built past the hub's root-field, first and skip caps", () => {
    const slice = { where: { id_in: ["0x1"] } };
    expect(() =>
      proposalsWhereRequest(
        "q",
        Array.from({ length: 6 }, () => slice),
      ),
    ).toThrow(/1–5 root fields/);
    expect(() => proposalsWhereRequest("q", [{ ...slice, first: hubLimits.first + 1 }])).toThrow(/first 1001/);
    expect(() => proposalsWhereRequest("q", [{ ...slice, skip: hubLimits.skip + 1 }])).toThrow(/skip 5001/);
    expect(() => proposalFeedRequest({ afterMci: 0, spaceBatches: [spaces(10_001)], since: 1 })).toThrow(/10,000/);
  });
});
