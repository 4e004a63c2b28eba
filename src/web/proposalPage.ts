import { taxonomySchema } from "../values/taxonomy.js";
import { chartLegend } from "./charts/chartLegend.js";
import { stackedBarChart } from "./charts/stackedBarChart.js";
import { describeChoice } from "./choiceShares.js";
import { digestSection } from "./digestSection.js";
import { html, type SafeHtml, safeHref } from "./html.js";
import { type FrameSteward, formatUtc, layout } from "./layout.js";
import { type DecisionRecord, PROPOSAL_LIST_LIMIT, type ProposalView } from "./proposalView.js";
import { breakdownByChoice } from "./votingBreakdown.js";

/** /proposals/:id: the proposal, its digests, how members' agents decided and why, the veto window, the casts. */
export function proposalPage(steward: FrameSteward, view: ProposalView): SafeHtml {
  const { proposal } = view;
  const choices = stringList(proposal.choices);
  const votingType = proposal.votingType.replace("_", "-");
  const taxonomy = taxonomySchema.safeParse(proposal.space.taxonomy);
  const versionOf = new Map(proposal.versions.map((v) => [v.id, v]));

  return layout(
    proposal.title,
    "spaces",
    steward,
    html`<p class="muted"><a href="/spaces/${proposal.spaceId}">${proposal.space.name}</a> › proposal</p>
<h1>${proposal.title}</h1>
<div class="card"><dl class="facts">
  <dt>Source</dt><dd>${sourceLink(view)}</dd>
  <dt>State</dt><dd>${proposal.state}${proposal.deletedAt ? html` <span class="tag flag">deleted at the source</span>` : ""}</dd>
  <dt>Voting</dt><dd>${votingType}: ${choices.join(" · ")}</dd>
  <dt>Window</dt><dd>${formatUtc(proposal.startAt)} → ${formatUtc(proposal.endAt)}</dd>
  <dt>Veto window</dt><dd>${vetoLine(view)}</dd>
  ${proposal.discussionUrl ? html`<dt>Discussion</dt><dd><a href="${safeHref(proposal.discussionUrl)}" rel="noreferrer noopener">${proposal.discussionUrl}</a></dd>` : ""}
  ${proposal.thread ? html`<dt>Discord thread</dt><dd><a href="https://discord.com/channels/${proposal.thread.guildId}/${proposal.thread.threadId}" rel="noreferrer noopener">open in Discord</a></dd>` : ""}
  <dt>Versions</dt><dd>${proposal.versions.length} (current: ${proposal.version}, content hash <code class="hash">${proposal.contentHash.slice(0, 16)}…</code>)</dd>
  <dt>LLM cost</dt><dd>$${view.llmCostUsd.toFixed(4)}</dd>
  <dt>Record</dt><dd><a href="/audit?proposal=${proposal.id}">every audit entry of this proposal</a></dd>
</dl></div>
<h2>How Tribune's agents will vote</h2>
${breakdownBlock(view, choices, votingType)}
<h2>Digests</h2>
${
  proposal.digests.length === 0
    ? html`<p class="muted">Not digested yet.</p>`
    : proposal.digests.map((d) => {
        const version = versionOf.get(d.proposalVersionId);
        return digestSection(
          {
            id: d.id,
            version: version?.version ?? 0,
            body: version?.body ?? proposal.body,
            choices: stringList(version?.choices ?? proposal.choices),
            content: d.content,
            confidence: d.confidence,
            flagged: d.flagged,
            unreliable: d.unreliable,
            findings: d.findings,
            provider: d.provider,
            model: d.model,
            promptVersion: d.promptVersion,
            costUsd: Number(d.costUsd),
            createdAt: d.createdAt,
          },
          taxonomy.success ? taxonomy.data : null,
        );
      })
}
<h2>Decisions <span class="muted">(${view.decisionCount})</span></h2>
${decisionsTable(view, choices, votingType)}
<h2>Overrides and vetoes <span class="muted">(${view.overrides.length})</span></h2>
${
  view.overrides.length === 0
    ? html`<p class="muted">No member overrode their agent on this proposal.</p>`
    : html`<div class="scroll"><table><thead><tr><th>When</th><th>Member</th><th>Their word</th></tr></thead><tbody>${view.overrides.map(
        (o) =>
          html`<tr><td>${formatUtc(o.createdAt)}</td><td><code>${o.discordUserId}</code></td><td>${o.choice === null ? "veto: do not vote for me" : describeChoice(o.choice, votingType, choices)}</td></tr>`,
      )}</tbody></table></div>`
}
<h2>Casts <span class="muted">${Object.entries(view.castStates)
      .map(([state, n]) => `${n} ${state}`)
      .join(" · ")}</span></h2>
${castsTable(view, choices, votingType)}
<h2>Versions</h2>
<div class="scroll"><table><thead><tr><th>Version</th><th>Seen</th><th>Title</th><th>Content hash</th></tr></thead><tbody>${proposal.versions.map(
      (v) =>
        html`<tr><td>${v.version}</td><td>${formatUtc(v.seenAt)}</td><td>${v.title}</td><td><code class="hash">${v.contentHash}</code></td></tr>`,
    )}</tbody></table></div>
<details class="card"><summary>The proposal's text (current version)</summary><pre>${proposal.body}</pre></details>`,
  );
}

function breakdownBlock(view: ProposalView, choices: string[], votingType: string): SafeHtml {
  const split = breakdownByChoice(view.groups, choices, votingType);
  const members = split.members.reduce((a, b) => a + b, 0);
  if (members === 0) return html`<p class="muted">No member's agent has decided on this proposal yet.</p>`;
  const power = split.power.reduce((a, b) => a + b, 0);
  const rows = [
    ...(power > 0 ? [{ label: "Voting power", values: split.power }] : []),
    { label: "Members", values: split.members },
  ];
  return html`<div class="card chart">${stackedBarChart({
    title: "Current decisions by choice: voting power and members",
    segments: split.segments,
    normalize: true,
    rows,
  })}${chartLegend(split.segments)}
<p class="muted">${Math.round(members)} member(s)${power > 0 ? `, ${power.toLocaleString("en-US")} voting power` : ""}, from each member's current decision (overrides are listed below).</p></div>`;
}

function decisionsTable(view: ProposalView, choices: string[], votingType: string): SafeHtml {
  if (view.decisions.length === 0) return html`<p class="muted">No decisions yet.</p>`;
  return html`<div class="scroll"><table><thead><tr><th>Member</th><th>Outcome</th><th>Choice</th><th>Why</th></tr></thead><tbody>${view.decisions.map(
    (d) =>
      html`<tr><td><code>${d.member.discordUserId}</code>${d.staleAt ? html` <span class="tag">superseded</span>` : ""}</td><td>${d.outcome}</td><td>${describeChoice(d.choice, votingType, choices)}</td><td>${why(d)}</td></tr>`,
  )}</tbody></table></div>
${view.moreDecisions ? html`<p><a href="/proposals/${view.proposal.id}?decisions=${view.moreDecisions}">Next ${PROPOSAL_LIST_LIMIT} decisions →</a></p>` : ""}`;
}

/** A private profile shows only the line written for the public thread; a public one shows every number. */
function why(d: DecisionRecord): SafeHtml {
  const explanation = (d.explanation ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof explanation[key] === "string" ? (explanation[key] as string) : null);
  if (!d.profilePublic) {
    return html`${text("threadLine") ?? ""} <span class="muted">(private profile: its reasons are the member's)</span>`;
  }
  const contributions = (d.contributions ?? {}) as Record<string, unknown>;
  const rules = Array.isArray(d.rulesFired) ? (d.rulesFired as Record<string, unknown>[]) : [];
  return html`${text("paragraph") ?? text("line") ?? (typeof d.explanation === "string" ? d.explanation : "")}
<details><summary>Numbers</summary>
<dl class="facts"><dt>Utilities</dt><dd><code>${JSON.stringify(d.utilities)}</code></dd>
${Object.entries(contributions).map(([dimension, values]) => html`<dt>${dimension}</dt><dd><code>${JSON.stringify(values)}</code></dd>`)}
${rules.length > 0 ? html`<dt>Rules fired</dt><dd>${rules.map((r) => html`<div><code>${String(r.ruleId ?? "?")}</code> ${String(r.effect ?? "")} ${JSON.stringify(r.action ?? null)}</div>`)}</dd>` : ""}
</dl></details>`;
}

function castsTable(view: ProposalView, choices: string[], votingType: string): SafeHtml {
  if (view.casts.length === 0) return html`<p class="muted">No votes planned.</p>`;
  return html`<div class="scroll"><table><thead><tr><th>Voter</th><th>State</th><th>Choice</th><th>Due</th><th>Receipt</th></tr></thead><tbody>${view.casts.map(
    (c) =>
      html`<tr><td><code>${c.voterAddress}</code>${c.dryRun ? html` <span class="tag">dry run</span>` : ""}</td><td>${c.state}${c.failureReason ? html`<div class="muted">${c.failureReason}</div>` : ""}</td><td>${describeChoice(c.choice, votingType, choices)}</td><td>${formatUtc(c.dueAt)}</td><td>${receipt(c.receipt)}</td></tr>`,
  )}</tbody></table></div>`;
}

function receipt(value: unknown): SafeHtml {
  if (value === null || value === undefined) return html`—`;
  const r = value as Record<string, unknown>;
  const links = Object.values(r).filter((v): v is string => typeof v === "string" && /^https:\/\//.test(v));
  return html`${links.map((url) => html`<a href="${url}" rel="noreferrer noopener">${new URL(url).host}</a> `)}<code>${JSON.stringify(
    Object.fromEntries(Object.entries(r).filter(([, v]) => !(typeof v === "string" && /^https:\/\//.test(v)))),
  )}</code>`;
}

function vetoLine(view: ProposalView): SafeHtml {
  const hours = view.proposal.space.vetoWindowSeconds / 3_600;
  if (!view.veto.announcedAt)
    return html`no vote announced yet; members get ${hours} hour(s) to veto after the announcement`;
  return html`announced ${formatUtc(view.veto.announcedAt)}; ${view.veto.closesAt ? html`closes ${formatUtc(view.veto.closesAt)}` : "closing time not set"} (${hours} hour(s))`;
}

function sourceLink(view: ProposalView): SafeHtml {
  const { proposal } = view;
  const raw = (proposal.raw ?? {}) as Record<string, unknown>;
  if (typeof raw.link === "string" && /^https:\/\//.test(raw.link)) {
    return html`<a href="${raw.link}" rel="noreferrer noopener">${proposal.source} proposal ${proposal.externalId.slice(0, 18)}</a>`;
  }
  if (proposal.source === "snapshot") {
    const url = `https://snapshot.org/#/${proposal.space.externalId}/proposal/${proposal.externalId}`;
    return html`<a href="${url}" rel="noreferrer noopener">Snapshot proposal ${proposal.externalId.slice(0, 18)}…</a>`;
  }
  return html`${proposal.source} proposal <code>${proposal.externalId}</code> (${proposal.space.externalId})`;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
