import { type AuditFilter, auditViewParams } from "./auditFilter.js";
import type { AuditPage } from "./auditReader.js";
import { html, type SafeHtml } from "./html.js";
import { type FrameSteward, formatUtc, layout } from "./layout.js";
import type { ShownEntry } from "./privacyRedaction.js";
import type { StewardSpace } from "./stewardRegistry.js";

export interface AuditPageModel {
  steward: FrameSteward;
  spaces: readonly StewardSpace[];
  actions: readonly string[];
  filter: AuditFilter;
  problems: readonly string[];
  page: AuditPage;
  entries: readonly ShownEntry[];
}

/** /audit: filters, the entries newest first (each opens to its canonical JSON and hashes), pager and exports. */
export function auditPage(model: AuditPageModel): SafeHtml {
  const { filter, page, entries } = model;
  const spaceName = new Map(model.spaces.map((s) => [s.id, s.name]));
  const query = auditViewParams(filter).toString();
  const suffix = query ? `?${query}` : "";
  const filtered = query !== "";
  return layout(
    "Audit log",
    "audit",
    model.steward,
    html`<h1>Audit log</h1>
<p class="muted">Every action Tribune took in your spaces, newest first. Each entry is hashed together with the one before it, so a change anywhere breaks the chain: <a href="/verify">verify it</a>.</p>
${filterForm(model)}
${model.problems.map((p) => html`<p class="notice">${p}</p>`)}
<div class="pager">
  <span class="muted">${entries.length === 0 ? "No entries match." : `Entries ${entries[0]?.seq} to ${entries.at(-1)?.seq}`}${filtered ? " (filtered)" : ""}</span>
  <span class="spacer"></span>
  <a class="button quiet" href="/audit/export.csv${suffix}" download>Export CSV</a>
  <a class="button quiet" href="/audit/export.json${suffix}" download>Export JSON</a>
</div>
<div class="entries-head" aria-hidden="true"><span>#</span><span>When (UTC)</span><span>Action</span><span>Actor</span><span>About</span></div>
<div class="entries">${entries.map((entry) => entryRow(entry, spaceName))}</div>
${pager(filter, page)}`,
  );
}

function filterForm({ filter, spaces, actions }: AuditPageModel): SafeHtml {
  const local = (date: Date | null) => (date ? date.toISOString().slice(0, 16) : "");
  return html`<form class="filters card" method="get" action="/audit">
  <label>Space<select name="space"><option value="">All my spaces</option>${spaces.map(
    (s) => html`<option value="${s.id}" ${filter.spaceId === s.id ? html`selected` : ""}>${s.name}</option>`,
  )}</select></label>
  <label>Action<select name="action"><option value="">Any action</option>${actions.map(
    (a) => html`<option ${filter.action === a ? html`selected` : ""}>${a}</option>`,
  )}</select></label>
  <label>Proposal id<input name="proposal" value="${filter.proposalId ?? ""}" autocomplete="off"></label>
  <label>Member id<input name="member" value="${filter.memberId ?? ""}" autocomplete="off"></label>
  <label>From (UTC)<input type="datetime-local" name="from" value="${local(filter.from)}"></label>
  <label>Until (UTC)<input type="datetime-local" name="until" value="${local(filter.until)}"></label>
  <label>Search<input type="search" name="q" value="${filter.q ?? ""}" placeholder="words, ids, addresses"></label>
  <div class="actions"><button type="submit">Apply</button><a href="/audit">Clear</a></div>
</form>`;
}

function entryRow(entry: ShownEntry, spaceName: Map<string, string>): SafeHtml {
  const about = [
    entry.spaceId ? html`<span>${spaceName.get(entry.spaceId) ?? entry.spaceId}</span>` : html`<span>Tribune</span>`,
    entry.proposalId ? html` · <a href="/proposals/${entry.proposalId}">proposal</a>` : "",
    entry.memberId ? html` · member <code>${entry.memberId.slice(0, 8)}</code>` : "",
  ];
  return html`<details class="entry" id="e${entry.seq}">
<summary><span class="mono">#${entry.seq}</span><span>${formatUtc(entry.at)}</span><span class="mono">${entry.action}</span><span>${entry.actor}</span><span>${about}</span></summary>
<div class="body">
  <dl class="facts">
    <dt>Hash</dt><dd class="mono hash">${entry.hash}</dd>
    <dt>Previous hash</dt><dd class="mono hash">${entry.prevHash}</dd>
    ${entry.proposalId ? html`<dt>Proposal</dt><dd><a href="/proposals/${entry.proposalId}">${entry.proposalId}</a> · <a href="/audit?proposal=${entry.proposalId}">its entries</a></dd>` : ""}
    ${entry.memberId ? html`<dt>Member</dt><dd><a href="/audit?member=${entry.memberId}">${entry.memberId}</a></dd>` : ""}
  </dl>
  ${entry.redacted ? html`<p class="notice">This member's value profile is private: its details are hidden here. The hash covers the full entry, and verification checks it.</p>` : ""}
  <pre>${entry.shown}</pre>
</div>
</details>`;
}

function pager(filter: AuditFilter, page: AuditPage): SafeHtml {
  const link = (position: { before: number } | { after: number }) =>
    `/audit?${auditViewParams(filter, position).toString()}`;
  const top = `/audit${auditViewParams(filter).toString() ? `?${auditViewParams(filter).toString()}` : ""}`;
  return html`<nav class="pager" aria-label="Pages">
  ${page.newer !== null ? html`<a class="button quiet" href="${top}">Newest</a><a class="button quiet" rel="prev" href="${link({ after: page.newer })}">← Newer</a>` : ""}
  <span class="spacer"></span>
  ${page.older !== null ? html`<a class="button quiet" rel="next" href="${link({ before: page.older })}">Older →</a>` : ""}
</nav>`;
}
