import { escapeHtml, rawHtml, type SafeHtml } from "../html.js";
import { seriesClass } from "./chartLegend.js";
import { clipLabel, formatCompact, niceTicks } from "./chartScale.js";

export interface LineSeries {
  name: string;
  /** One value per x label; null leaves a gap. */
  values: readonly (number | null)[];
}

export interface LineChartSpec {
  /** Read by screen readers and shown on hover. */
  title: string;
  xLabels: readonly string[];
  series: readonly LineSeries[];
  /** Formats a value for the y axis and tooltips (default: compact numbers). */
  format?: (value: number) => string;
  /** A fixed top of the y axis (e.g. 1 for shares); default: the data's. */
  yMax?: number;
}

const WIDTH = 640;
const HEIGHT = 260;
const PAD = { left: 52, right: 16, top: 14, bottom: 46 };

/** A line chart as inline SVG, drawn on the server: no script, no library, colours from the stylesheet. */
export function lineChart(spec: LineChartSpec): SafeHtml {
  const format = spec.format ?? formatCompact;
  const all = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const ticks = niceTicks(spec.yMax ?? Math.max(0, ...all));
  const top = ticks.at(-1) ?? 1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const n = spec.xLabels.length;
  const x = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;

  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(
      `<line class="gridline" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(tick)}" y2="${y(tick)}"/>`,
      `<text x="${PAD.left - 6}" y="${y(tick) + 4}" text-anchor="end">${escapeHtml(format(tick))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(0)}" y2="${y(0)}"/>`,
    `<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${y(0)}"/>`,
  );
  // At most ~8 x labels, evenly picked, so long histories stay legible.
  const every = Math.max(1, Math.ceil(n / 8));
  spec.xLabels.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    // The outermost labels hang inwards, so they are never cut off at the chart's edges.
    const anchor = n > 1 && i === 0 ? "start" : n > 1 && i === n - 1 ? "end" : "middle";
    parts.push(
      `<text x="${x(i)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="${anchor}">${escapeHtml(clipLabel(label, 14))}</text>`,
    );
  });
  spec.series.forEach((series, s) => {
    const cls = seriesClass(s);
    let path = "";
    let pen = false;
    series.values.forEach((value, i) => {
      if (value === null) {
        pen = false;
        return;
      }
      path += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(value).toFixed(1)}`;
      pen = true;
    });
    if (path) parts.push(`<path class="line ${cls}" d="${path}"><title>${escapeHtml(series.name)}</title></path>`);
    series.values.forEach((value, i) => {
      if (value === null) return;
      const tip = `${series.name}, ${spec.xLabels[i] ?? ""}: ${format(value)}`;
      parts.push(
        `<circle class="${cls}" cx="${x(i).toFixed(1)}" cy="${y(value).toFixed(1)}" r="3.5"><title>${escapeHtml(tip)}</title></circle>`,
      );
    });
  });
  return rawHtml(
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(spec.title)}</title>${parts.join("")}</svg>`,
  );
}
