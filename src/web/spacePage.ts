import { taxonomySchema } from "../values/taxonomy.js";
import { chartLegend } from "./charts/chartLegend.js";
import { formatCompact } from "./charts/chartScale.js";
import { lineChart } from "./charts/lineChart.js";
import { stackedBarChart } from "./charts/stackedBarChart.js";
import { html, type SafeHtml } from "./html.js";
import { type FrameSteward, formatUtc, layout } from "./layout.js";
import type { SpaceView } from "./spaceView.js";
import { breakdownForSpace, SPACE_SEGMENTS } from "./votingBreakdown.js";

/** /spaces/:id: settings, then participation, the voting-power breakdown, LLM cost and the abstain/ask rate. */
export function spacePage(steward: FrameSteward, view: SpaceView): SafeHtml {
  const { space, proposals } = view;
  const taxonomy = taxonomySchema.safeParse(space.taxonomy);
  const outcomes = outcomeCounts(view);
  const decided = outcomes.vote + outcomes.abstain + outcomes.ask + outcomes.never;
  const rate = (n: number) => (decided === 0 ? "—" : `${Math.round((n / decided) * 100)}%`);
  const usd = (n: number) => `$${n.toLocaleString("en-US", { maximumFractionDigits: n < 1 ? 4 : 2 })}`;

  return layout(
    space.name,
    "spaces",
    steward,
    html`<h1>${space.name} ${space.mode === "live" ? html`<span class="tag live">live</span>` : html`<span class="tag">dry run</span>`} ${space.paused ? html`<span class="tag flag">paused</span>` : ""}</h1>
<div class="stats">
  <div class="card"><div class="muted">LLM cost to date</div><div class="big">${usd(view.llm.costUsd)}</div><div class="muted">${view.llm.calls} call(s)</div></div>
  <div class="card"><div class="muted">Abstain rate</div><div class="big">${rate(outcomes.abstain)}</div><div class="muted">of ${decided} current decision(s)</div></div>
  <div class="card"><div class="muted">Ask rate</div><div class="big">${rate(outcomes.ask)}</div><div class="muted">members asked instead of voted for</div></div>
  <div class="card"><div class="muted">Delegations</div><div class="big">${view.delegations.count}</div><div class="muted">${formatCompact(view.delegations.power)} voting power</div></div>
</div>
<h2>Participation over time</h2>
<div class="card chart">${
      proposals.length === 0
        ? html`<p class="muted">No proposals yet.</p>`
        : html`${lineChart({
            title: `Participation in ${space.name}'s last ${proposals.length} proposals`,
            xLabels: proposals.map((p) => p.endAt.toISOString().slice(0, 10)),
            series: [
              { name: "Members with a decision", values: proposals.map((p) => p.decided) },
              { name: "Votes planned", values: proposals.map((p) => p.voting) },
              { name: "Votes confirmed", values: proposals.map((p) => p.confirmed) },
              { name: "Members who overrode", values: proposals.map((p) => p.overrode) },
            ],
          })}${chartLegend(["Members with a decision", "Votes planned", "Votes confirmed", "Members who overrode"])}`
    }</div>
<h2>Voting power per proposal</h2>
${powerChart(view)}
<h2>LLM cost by month</h2>
<div class="card chart">${
      view.llm.months.length === 0
        ? html`<p class="muted">No LLM calls recorded for this space.</p>`
        : stackedBarChart({
            title: "LLM cost by month (USD)",
            segments: ["Cost"],
            rows: view.llm.months.map((m) => ({ label: m.month, values: [m.costUsd] })),
            format: usd,
          })
    }</div>
<h2>Settings</h2>
<div class="card"><dl class="facts">
  <dt>Kind</dt><dd>${space.kind === "snapshot" ? "Snapshot space" : "Governor (on-chain)"} <code>${space.externalId}</code></dd>
  <dt>Mode</dt><dd>${space.mode === "live" ? "live: votes are cast" : "dry run: votes are recorded, not cast"}${space.paused ? " · paused" : ""}</dd>
  <dt>Voting</dt><dd>${space.votingMode === "pooled" ? html`pooled delegate <code>${space.pooledAgentAddress ?? "—"}</code>` : "personal agents (each member's own address)"}</dd>
  <dt>Veto window</dt><dd>${formatDuration(space.vetoWindowSeconds)} between the announcement and the cast</dd>
  ${space.chainId ? html`<dt>Chain</dt><dd>${space.chainId}${space.tokenAddress ? html` · token <code>${space.tokenAddress}</code>` : ""}</dd>` : ""}
  <dt>Stewards</dt><dd>${view.stewards.map((id, i) => html`${i > 0 ? ", " : ""}<code>${id}</code>`)}</dd>
  <dt>Since</dt><dd>${formatUtc(space.createdAt)}</dd>
</dl>
<h3>Value dimensions (taxonomy version ${space.taxonomyVersion})</h3>
${
  taxonomy.success
    ? html`<table><thead><tr><th>Dimension</th><th>Meaning</th></tr></thead><tbody>${taxonomy.data.map(
        (d) => html`<tr><td>${d.name} <code class="muted">${d.id}</code></td><td>${d.meaning}</td></tr>`,
      )}</tbody></table>`
    : html`<pre>${JSON.stringify(space.taxonomy, null, 2)}</pre>`
}</div>
<h2>Latest proposals</h2>
<div class="scroll"><table><thead><tr><th>Proposal</th><th>State</th><th>Ends</th><th class="num">Decisions</th><th class="num">Confirmed</th></tr></thead><tbody>${[
      ...proposals,
    ]
      .reverse()
      .map(
        (p) =>
          html`<tr><td><a href="/proposals/${p.id}">${p.title}</a></td><td>${p.state}</td><td>${formatUtc(p.endAt)}</td><td class="num">${p.decided}</td><td class="num">${p.confirmed}</td></tr>`,
      )}</tbody></table></div>
<p><a href="/audit?space=${space.id}">This space's audit entries</a></p>`,
  );
}

function powerChart(view: SpaceView): SafeHtml {
  const rows = view.proposals
    .map((p) => {
      const groups = view.groups.filter((g) => g.proposalId === p.id);
      const split = breakdownForSpace(groups, p.choices, p.votingType);
      return { p, split };
    })
    .filter(({ split }) => split.members.some((m) => m > 0));
  if (rows.length === 0) {
    return html`<div class="card"><p class="muted">No decisions yet: the breakdown appears once members' agents decide.</p></div>`;
  }
  // Voting power where delegations report it; otherwise one member, one share, and the chart says so.
  const byPower = rows.some(({ split }) => split.power.some((v) => v > 0));
  return html`<div class="card chart">${stackedBarChart({
    title: byPower ? "Delegated voting power by choice, per proposal" : "Members by choice, per proposal",
    segments: SPACE_SEGMENTS,
    normalize: true,
    rows: [...rows].reverse().map(({ p, split }) => ({
      label: p.title,
      href: `/proposals/${p.id}`,
      values: byPower ? split.power : split.members,
      labels: SPACE_SEGMENTS.map((name, i) => (i < 3 ? (p.choices[i] ?? name) : name)),
    })),
  })}${chartLegend(SPACE_SEGMENTS)}
<p class="muted">${byPower ? "Shares of the voting power delegated to Tribune's agents" : "Shares of members (no voting power reported yet)"}, from each member's current decision. "Choice 1" is the first option on that proposal's ballot; hover a bar for its label.</p></div>`;
}

function outcomeCounts(view: SpaceView): Record<"vote" | "abstain" | "ask" | "never", number> {
  const counts = { vote: 0, abstain: 0, ask: 0, never: 0 };
  for (const group of view.groups) {
    if (group.outcome in counts) counts[group.outcome as keyof typeof counts] += group.members;
  }
  return counts;
}

function formatDuration(seconds: number): string {
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hour(s)`;
  if (seconds % 60 === 0) return `${seconds / 60} minute(s)`;
  return `${seconds} second(s)`;
}
