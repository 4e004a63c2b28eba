// The view's one stylesheet, served from /assets/tribune.css (the CSP allows styles from this origin only, so there
// are no inline styles anywhere, charts included: their colours are classes defined here).

export const STYLESHEET = `
:root {
  --ink: #1c2430; --muted: #5b6675; --line: #dfe3ea; --paper: #ffffff; --wash: #f5f7fa;
  --accent: #3b4fd8; --good: #1f7a4d; --bad: #b42318; --warn: #a15c07;
  --s0: #3b4fd8; --s1: #e07a1f; --s2: #1f9e89; --s3: #c2417a; --s4: #7a5af5; --s5: #8c8c8c; --s6: #d4b106; --s7: #5aa02c;
  color-scheme: light;
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--wash); }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 10px 24px; background: var(--ink); color: #fff; }
header.top a { color: #fff; text-decoration: none; }
header.top .brand { font-weight: 700; font-size: 18px; letter-spacing: .02em; }
header.top nav { display: flex; flex-wrap: wrap; gap: 4px 16px; flex: 1; }
header.top nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: 4px; }
header.top form { margin: 0; }
header.top .who { color: #c9d1dd; font-size: 13px; }
button, .button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.quiet, .button.quiet { background: transparent; color: inherit; border-color: currentColor; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 24px; margin: 8px 0 16px; }
h2 { font-size: 19px; margin: 28px 0 10px; }
h3 { font-size: 16px; margin: 18px 0 8px; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 12px 0; }
.muted { color: var(--muted); }
.notice { border-left: 4px solid var(--warn); background: #fff8eb; padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.ok { border-left: 4px solid var(--good); background: #ecfaf2; padding: 12px 16px; border-radius: 6px; }
.broken { border-left: 4px solid var(--bad); background: #fdeeed; padding: 12px 16px; border-radius: 6px; }
.tag { display: inline-block; padding: 1px 8px; border-radius: 999px; background: var(--wash); border: 1px solid var(--line); font-size: 12px; }
.tag.flag { background: #fdeeed; border-color: #f3b8b3; color: var(--bad); }
.tag.live { background: #ecfaf2; border-color: #a6dcbd; color: var(--good); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; background: var(--paper); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
td.impact-2 { background: #c7ecd6; } td.impact-1 { background: #e6f6ec; } td.impact0 { background: #f5f7fa; }
td.impact-m1 { background: #fdeceb; } td.impact-m2 { background: #f6c9c5; } td.impact-none { color: var(--muted); }
form.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px 14px; align-items: end; }
form.filters label { display: flex; flex-direction: column; gap: 3px; font-size: 13px; color: var(--muted); }
form.filters input, form.filters select { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--ink); }
form.filters .actions { display: flex; gap: 8px; align-items: center; }
.entries { display: flex; flex-direction: column; gap: 6px; margin-top: 12px; }
details.entry { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; }
details.entry > summary { display: grid; grid-template-columns: 70px 190px minmax(140px, 1fr) minmax(100px, 1fr) minmax(120px, 1.4fr); gap: 8px; padding: 8px 12px; cursor: pointer; list-style: none; }
details.entry > summary::-webkit-details-marker { display: none; }
details.entry > summary::before { content: none; }
details.entry[open] > summary { border-bottom: 1px solid var(--line); background: var(--wash); }
details.entry .body { padding: 10px 12px; }
details.entry pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--wash); padding: 10px; border-radius: 6px; margin: 8px 0; max-height: 480px; overflow: auto; }
.entries-head { display: grid; grid-template-columns: 70px 190px minmax(140px, 1fr) minmax(100px, 1fr) minmax(120px, 1.4fr); gap: 8px; padding: 0 13px; font-size: 13px; color: var(--muted); }
.pager { display: flex; gap: 12px; align-items: center; margin: 16px 0; flex-wrap: wrap; }
.pager .spacer { flex: 1; }
.hash { overflow-wrap: anywhere; }
blockquote { margin: 6px 0; padding: 4px 12px; border-left: 3px solid var(--line); color: #344054; }
mark { background: #ffe08a; padding: 0 2px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 14px; }
.chart svg { width: 100%; max-width: 820px; height: auto; display: block; }
.chart .axis { stroke: #9aa4b2; stroke-width: 1; }
.chart .gridline { stroke: var(--line); stroke-width: 1; }
.chart text { fill: var(--muted); font-size: 11px; font-family: system-ui, sans-serif; }
.chart .line { fill: none; stroke-width: 2.5; }
.chart .s0 { fill: var(--s0); stroke: var(--s0); } .chart .s1 { fill: var(--s1); stroke: var(--s1); }
.chart .s2 { fill: var(--s2); stroke: var(--s2); } .chart .s3 { fill: var(--s3); stroke: var(--s3); }
.chart .s4 { fill: var(--s4); stroke: var(--s4); } .chart .s5 { fill: var(--s5); stroke: var(--s5); }
.chart .s6 { fill: var(--s6); stroke: var(--s6); } .chart .s7 { fill: var(--s7); stroke: var(--s7); }
.chart .line.s0, .chart .line.s1, .chart .line.s2, .chart .line.s3, .chart .line.s4, .chart .line.s5, .chart .line.s6, .chart .line.s7 { fill: none; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; margin: 6px 0 0; padding: 0; list-style: none; }
.legend .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 3px; margin-right: 5px; vertical-align: -1px; }
.legend .s0 { background: var(--s0); } .legend .s1 { background: var(--s1); } .legend .s2 { background: var(--s2); }
.legend .s3 { background: var(--s3); } .legend .s4 { background: var(--s4); } .legend .s5 { background: var(--s5); }
.legend .s6 { background: var(--s6); } .legend .s7 { background: var(--s7); }
.big { font-size: 28px; font-weight: 700; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; }
@media (max-width: 760px) {
  main { padding: 14px 12px 40px; }
  details.entry > summary, .entries-head { grid-template-columns: 60px 1fr; }
  .entries-head span:nth-child(n+3) { display: none; }
  details.entry > summary span:nth-child(n+3) { grid-column: 1 / -1; }
}
`;
