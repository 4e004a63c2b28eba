import { escapeHtml, rawHtml, type SafeHtml } from "../html.js";
import { seriesClass } from "./chartLegend.js";
import { clipLabel, formatCompact, niceTicks } from "./chartScale.js";

export interface BarRow {
  label: string;
  /** One value per segment name, in the order of `segments`. */
  values: readonly number[];
  /** Where the row's label links to (a proposal's page). */
  href?: string;
  /** This row's own names for the segments, shown on hover (ballots differ from proposal to proposal). */
  labels?: readonly string[];
}

export interface StackedBarSpec {
  title: string;
  segments: readonly string[];
  rows: readonly BarRow[];
  /** Each row as shares of its own total (100% bars) instead of absolute values on one scale. */
  normalize?: boolean;
  format?: (value: number) => string;
}

const WIDTH = 640;
const ROW = 26;
const LABEL_W = 190;
// Room on the right for the last tick's label, which is centred on the plot's edge.
const PAD = { right: 30, top: 8, bottom: 26 };

/** Horizontal stacked bars as inline SVG: one row per item (a proposal, a month), one segment per series. */
export function stackedBarChart(spec: StackedBarSpec): SafeHtml {
  const format = spec.format ?? formatCompact;
  const totals = spec.rows.map((row) => row.values.reduce((a, b) => a + Math.max(0, b), 0));
  const ticks = spec.normalize ? [0, 0.25, 0.5, 0.75, 1] : niceTicks(Math.max(0, ...totals));
  const top = ticks.at(-1) ?? 1;
  const plotW = WIDTH - LABEL_W - PAD.right;
  const height = PAD.top + spec.rows.length * ROW + PAD.bottom;
  const xOf = (v: number) => LABEL_W + (v / top) * plotW;

  const parts: string[] = [];
  for (const tick of ticks) {
    const label = spec.normalize ? `${Math.round(tick * 100)}%` : format(tick);
    parts.push(
      `<line class="gridline" x1="${xOf(tick)}" x2="${xOf(tick)}" y1="${PAD.top}" y2="${height - PAD.bottom}"/>`,
      `<text x="${xOf(tick)}" y="${height - PAD.bottom + 15}" text-anchor="middle">${escapeHtml(label)}</text>`,
    );
  }
  spec.rows.forEach((row, r) => {
    const y = PAD.top + r * ROW + 4;
    const label = `<text x="${LABEL_W - 8}" y="${y + 13}" text-anchor="end">${escapeHtml(clipLabel(row.label, 30))}<title>${escapeHtml(row.label)}</title></text>`;
    parts.push(row.href ? `<a href="${escapeHtml(row.href)}">${label}</a>` : label);
    const total = totals[r] ?? 0;
    let at = 0;
    row.values.forEach((raw, s) => {
      const value = Math.max(0, raw);
      if (value === 0) return;
      const width = spec.normalize ? value / (total || 1) : value;
      const share = total > 0 ? ` (${Math.round((value / total) * 100)}%)` : "";
      const tip = `${row.label} · ${row.labels?.[s] ?? spec.segments[s] ?? ""}: ${format(value)}${share}`;
      parts.push(
        `<rect class="${seriesClass(s)}" x="${xOf(at).toFixed(1)}" y="${y}" width="${Math.max(0.5, xOf(at + width) - xOf(at)).toFixed(1)}" height="${ROW - 8}"><title>${escapeHtml(tip)}</title></rect>`,
      );
      at += width;
    });
  });
  parts.push(`<line class="axis" x1="${LABEL_W}" x2="${LABEL_W}" y1="${PAD.top}" y2="${height - PAD.bottom}"/>`);
  return rawHtml(
    `<svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(spec.title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(spec.title)}</title>${parts.join("")}</svg>`,
  );
}
