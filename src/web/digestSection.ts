import { type Argument, type DigestContent, digestSchema, type Evidence } from "../digest/digestSchema.js";
import type { Taxonomy } from "../values/taxonomy.js";
import { choiceLabel } from "./choiceShares.js";
import { html, type SafeHtml, safeHref } from "./html.js";
import { formatUtc } from "./layout.js";

/** A digest row with what it was made from, as the proposal page shows it. */
export interface DigestInput {
  id: string;
  version: number;
  body: string;
  choices: string[];
  content: unknown;
  confidence: number;
  flagged: boolean;
  unreliable: boolean;
  findings: unknown;
  provider: string;
  model: string;
  promptVersion: string;
  costUsd: number;
  createdAt: Date;
}

/** One digest: summary, arguments with their quotes, impacts per choice × dimension, and injection findings. */
export function digestSection(digest: DigestInput, taxonomy: Taxonomy | null): SafeHtml {
  const parsed = digestSchema.safeParse(digest.content);
  const head = html`<h3>Digest of version ${digest.version} <span class="muted">· ${digest.provider}:${digest.model} · prompt ${digest.promptVersion} · ${formatUtc(digest.createdAt)}</span></h3>
<p>${digest.flagged ? html`<span class="tag flag">flagged: instruction-like text found, no automatic vote</span> ` : ""}${digest.unreliable ? html`<span class="tag flag">unreliable: evidence checks failed, no automatic vote</span> ` : ""}<span class="tag">confidence ${digest.confidence.toFixed(2)}</span> <span class="tag">cost $${digest.costUsd.toFixed(4)}</span></p>`;
  if (!parsed.success) {
    return html`<section class="card" id="digest-${digest.id}">${head}<p class="notice">This digest does not match the current digest format; shown as stored.</p><pre>${JSON.stringify(digest.content, null, 2)}</pre>${findingsBlock(digest)}</section>`;
  }
  const d = parsed.data;
  return html`<section class="card" id="digest-${digest.id}">${head}
${d.extractive ? html`<p class="muted">Extractive summary (offline summariser): sentences taken from the proposal, not a model's judgement.</p>` : ""}
<p><strong>${d.tldr}</strong></p>
<dl class="facts"><dt>Category</dt><dd>${d.category.replace("_", " ")}</dd></dl>
${d.whatChanges.length > 0 ? html`<h4>What changes</h4><ul>${d.whatChanges.map((c) => html`<li>${c}</li>`)}</ul>` : ""}
${d.money.length > 0 ? moneyTable(d) : ""}
${d.risks.length > 0 ? html`<h4>Risks</h4><ul>${d.risks.map((r) => html`<li>${r}</li>`)}</ul>` : ""}
<div class="grid2">
  <div><h4>For</h4>${argumentList(d.arguments.for)}</div>
  <div><h4>Against</h4>${argumentList(d.arguments.against)}</div>
</div>
${impactTable(d, digest.choices, taxonomy)}
${d.whatWouldChange ? html`<p class="muted">What would change this reading: ${d.whatWouldChange}</p>` : ""}
${findingsBlock(digest)}
</section>`;
}

function moneyTable(d: DigestContent): SafeHtml {
  return html`<h4>Money</h4><div class="scroll"><table><thead><tr><th>Amount</th><th>Token</th><th>Recipient</th><th>Direction</th><th class="num">≈ USD</th></tr></thead><tbody>${d.money.map(
    (m) =>
      html`<tr><td>${m.amount}</td><td>${m.token ?? "—"}</td><td>${m.recipient ?? "—"}</td><td>${m.direction}</td><td class="num">${m.usdEstimate === null ? "—" : m.usdEstimate.toLocaleString("en-US")}</td></tr>`,
  )}</tbody></table></div>`;
}

function argumentList(items: readonly Argument[]): SafeHtml {
  if (items.length === 0) return html`<p class="muted">None found.</p>`;
  return html`<ul>${items.map((a) => html`<li>${a.claim}${evidence(a.evidence)}</li>`)}</ul>`;
}

function evidence(e: Evidence | null): SafeHtml {
  if (!e) return html``;
  const source =
    e.source.kind === "proposal"
      ? "the proposal"
      : html`<a href="${safeHref(e.source.url)}" rel="noreferrer noopener">forum post${e.source.author ? ` by ${e.source.author}` : ""}</a>`;
  return html`<blockquote>“${e.quote}” <span class="muted">— ${source}</span></blockquote>`;
}

function impactTable(d: DigestContent, choices: readonly string[], taxonomy: Taxonomy | null): SafeHtml {
  if (d.impacts.length === 0) return html`<p class="muted">No impacts on the space's values were assessed.</p>`;
  const dimensions = [...new Set(d.impacts.map((i) => i.dimension))];
  const name = (id: string) => taxonomy?.find((t) => t.id === id)?.name ?? id;
  const choiceIndexes = [...new Set([...choices.map((_, i) => i + 1), ...d.impacts.map((i) => i.choice)])].sort(
    (a, b) => a - b,
  );
  const cell = (choice: number, dimension: string) => {
    const impact = d.impacts.find((i) => i.choice === choice && i.dimension === dimension);
    if (!impact) return html`<td class="num impact-none" title="no information">·</td>`;
    const cls =
      impact.impact < 0 ? `impact-m${-impact.impact}` : `impact${impact.impact === 0 ? "0" : `-${impact.impact}`}`;
    return html`<td class="num ${cls}" title="${impact.reason}${impact.evidence ? "" : " (no quoted evidence)"}">${impact.impact > 0 ? "+" : ""}${impact.impact}${impact.evidence ? "" : "*"}</td>`;
  };
  return html`<h4>Impacts on the space's values</h4>
<div class="scroll"><table><thead><tr><th>Choice</th>${dimensions.map((id) => html`<th class="num">${name(id)}</th>`)}</tr></thead>
<tbody>${choiceIndexes.map((c) => html`<tr><th>${choiceLabel(choices, c)}</th>${dimensions.map((id) => cell(c, id))}</tr>`)}</tbody></table></div>
<p class="muted">−2 strongly against … +2 strongly for the value; * marks an impact without a quote (the engine discounts it). Hover a number for its reason.</p>
<details><summary>Reasons and evidence for each impact</summary><ul>${d.impacts.map(
    (i) =>
      html`<li><strong>${choiceLabel(choices, i.choice)} · ${name(i.dimension)} ${i.impact > 0 ? "+" : ""}${i.impact}</strong>: ${i.reason}${evidence(i.evidence)}</li>`,
  )}</ul></details>`;
}

/**
 * The injection screen's findings. Their shape belongs to src/digest; this reads what it can (a label, the offending
 * text, or offsets into the version's body) and shows the rest as stored, so no finding is ever dropped.
 */
function findingsBlock(digest: DigestInput): SafeHtml {
  const findings = Array.isArray(digest.findings) ? digest.findings : digest.findings ? [digest.findings] : [];
  if (findings.length === 0) return html`<p class="muted">Injection screen: nothing instruction-like found.</p>`;
  return html`<h4>Injection screen findings</h4><ul>${findings.map((f) => html`<li>${finding(f, digest.body)}</li>`)}</ul>`;
}

function finding(value: unknown, body: string): SafeHtml {
  if (typeof value === "string") return html`${value}`;
  if (typeof value !== "object" || value === null) return html`<code>${JSON.stringify(value)}</code>`;
  const f = value as Record<string, unknown>;
  const pick = (...keys: string[]) => keys.map((k) => f[k]).find((v): v is string => typeof v === "string");
  const label = pick("reason", "message", "kind", "rule", "pattern", "category");
  const span = (f.span ?? {}) as Record<string, unknown>;
  const start = typeof f.start === "number" ? f.start : typeof span.start === "number" ? span.start : null;
  const end = typeof f.end === "number" ? f.end : typeof span.end === "number" ? span.end : null;
  const text = pick("text", "excerpt", "quote", "match") ?? (typeof f.span === "string" ? f.span : undefined);
  let shown: SafeHtml;
  if (start !== null && end !== null && end > start && end <= body.length) {
    const from = Math.max(0, start - 80);
    const to = Math.min(body.length, end + 80);
    shown = html`<blockquote>${from > 0 ? "…" : ""}${body.slice(from, start)}<mark>${body.slice(start, end)}</mark>${body.slice(end, to)}${to < body.length ? "…" : ""}</blockquote>`;
  } else if (text) {
    shown = html`<blockquote><mark>${text}</mark></blockquote>`;
  } else {
    shown = html`<pre>${JSON.stringify(f, null, 2)}</pre>`;
  }
  return html`${label ? html`<strong>${label}</strong>` : ""}${shown}`;
}
