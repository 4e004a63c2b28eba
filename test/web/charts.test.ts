import { describe, expect, it } from "vitest";
import { formatCompact, niceTicks } from "../../src/web/charts/chartScale.js";
import { lineChart } from "../../src/web/charts/lineChart.js";
import { stackedBarChart } from "../../src/web/charts/stackedBarChart.js";

const count = (svg: string, tag: string) => svg.split(`<${tag} `).length - 1;

describe("charts", () => {
  it("picks round ticks that cover the data", () => {
    expect(niceTicks(97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(formatCompact(12_500)).toBe("12.5k");
    expect(formatCompact(3_400_000)).toBe("3.4M");
  });

  it("draws one point per value and a line per series, skipping gaps", () => {
    const svg = lineChart({
      title: "Participation",
      xLabels: ["a", "b", "c"],
      series: [
        { name: "decided", values: [1, 2, 3] },
        { name: "cast", values: [0, null, 2] },
      ],
    }).value;
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg).toContain('role="img"');
    expect(count(svg, "circle")).toBe(5);
    expect(count(svg, "path")).toBe(2);
    expect(svg).toContain("<title>cast, c: 2</title>");
    // The gap lifts the pen: the second series has two separate moves.
    expect(svg.match(/class="line s1" d="([^"]+)"/)?.[1]?.match(/M/g)).toHaveLength(2);
  });

  it("stacks segments to 100% per row when normalised, with tooltips", () => {
    const svg = stackedBarChart({
      title: "Power",
      segments: ["For", "Against"],
      normalize: true,
      rows: [
        { label: "P1", values: [300, 100] },
        { label: "P2", values: [0, 5], href: "/proposals/p2" },
      ],
    }).value;
    expect(count(svg, "rect")).toBe(3);
    expect(svg).toContain("P1 · For: 300 (75%)");
    expect(svg).toContain('<a href="/proposals/p2">');
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect((widths[0] ?? 0) + (widths[1] ?? 0)).toBeCloseTo(widths[2] ?? 0, 0);
  });

  it("escapes every label it draws", () => {
    const svg = stackedBarChart({
      title: "<script>",
      segments: ['"><img src=x>'],
      rows: [{ label: "</svg><script>alert(1)</script>", values: [1] }],
    }).value;
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<img");
    expect(svg).toContain("&lt;/svg&gt;");
  });
});
