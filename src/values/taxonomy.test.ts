import { describe, expect, it } from "vitest";
import { DEFAULT_TAXONOMY, diffTaxonomy, isNoChange, taxonomySchema } from "./taxonomy.js";

describe("taxonomy", () => {
  it("has the eight default dimensions, valid by its own schema", () => {
    expect(taxonomySchema.parse(DEFAULT_TAXONOMY).map((d) => d.id)).toEqual([
      "decentralization",
      "treasury_prudence",
      "growth_adoption",
      "security_risk",
      "public_goods_community",
      "tokenholder_value",
      "transparency_accountability",
      "operational_pragmatism",
    ]);
  });

  it("names what a steward's edit added, removed, renamed and reworded", () => {
    const [first, second, ...rest] = DEFAULT_TAXONOMY;
    const edited = [
      { ...(second as (typeof DEFAULT_TAXONOMY)[number]), name: "Careful spending" },
      { ...(first as (typeof DEFAULT_TAXONOMY)[number]), meaning: "No single party can stop the protocol." },
      ...rest.slice(1),
      { id: "l2_expansion", name: "L2 expansion", meaning: "Deploying to more rollups." },
    ];
    expect(diffTaxonomy(DEFAULT_TAXONOMY, edited)).toEqual({
      added: ["l2_expansion"],
      removed: ["growth_adoption"],
      renamed: [{ id: "treasury_prudence", from: "Treasury prudence", to: "Careful spending" }],
      reworded: ["decentralization"],
      reordered: true,
    });
    expect(isNoChange(diffTaxonomy(DEFAULT_TAXONOMY, structuredClone(DEFAULT_TAXONOMY)))).toBe(true);
  });

  it("refuses duplicate ids and ids that are not lower_snake_case", () => {
    expect(taxonomySchema.safeParse([...DEFAULT_TAXONOMY, DEFAULT_TAXONOMY[0]]).success).toBe(false);
    expect(taxonomySchema.safeParse([{ id: "Bad Id", name: "x", meaning: "y" }]).success).toBe(false);
  });
});
