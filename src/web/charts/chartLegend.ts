import { html, type SafeHtml } from "../html.js";

/** Series colours are classes s0…s7 (see the stylesheet); more series than that reuse them in order. */
export function seriesClass(index: number): string {
  return `s${index % 8}`;
}

/** The legend under a chart, as HTML (readable and selectable, unlike text inside the SVG). */
export function chartLegend(names: readonly string[]): SafeHtml {
  return html`<ul class="legend">${names.map(
    (name, i) => html`<li><span class="swatch ${seriesClass(i)}"></span>${name}</li>`,
  )}</ul>`;
}
