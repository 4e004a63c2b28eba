import type { AuditLog } from "../audit/auditLog.js";
import type { ChainVerdict } from "../audit/hashChain.js";
import { html, type SafeHtml } from "./html.js";
import { type FrameSteward, layout } from "./layout.js";
import { sendPage } from "./pageResponse.js";
import { readForm } from "./requestBody.js";
import type { StewardGate } from "./stewardGate.js";
import type { Route } from "./webServer.js";

export interface VerifyRoutesOptions {
  gate: StewardGate;
  audit: AuditLog;
  secure: boolean;
}

/**
 * /verify: GET shows the log's head and a button; POST recomputes the whole chain (every entry, every space: one
 * tampered row anywhere breaks everything after it). It reads the whole log, so it is a deliberate, CSRF-checked
 * action, and stewards who press it at the same time share one run.
 */
export function verifyRoutes({ gate, audit, secure }: VerifyRoutesOptions): Route[] {
  let running: Promise<ChainVerdict> | null = null;
  const verifyOnce = () => {
    running ??= audit.verify().finally(() => {
      running = null;
    });
    return running;
  };

  const show: Route = async (request, response, url) => {
    if (url.pathname !== "/verify" || request.method !== "GET") return false;
    const steward = await gate.require(request, response);
    if (!steward) return true;
    const head = await audit.head();
    sendPage(
      response,
      200,
      verifyPage(
        steward.frame,
        html`<p>The log holds ${head ? html`<strong>${head.seq}</strong> entries; the newest hash is <code class="hash">${head.hash}</code>` : "no entries yet"}.</p>`,
      ),
      { secure },
    );
    return true;
  };

  const run: Route = async (request, response, url) => {
    if (url.pathname !== "/verify" || request.method !== "POST") return false;
    const steward = await gate.require(request, response);
    if (!steward) return true;
    if (!gate.allowForm(request, response, steward, await readForm(request))) return true;
    const started = performance.now();
    const verdict = await verifyOnce();
    const seconds = ((performance.now() - started) / 1_000).toFixed(1);
    sendPage(response, 200, verifyPage(steward.frame, verdictBlock(verdict, seconds)), { secure });
    return true;
  };

  return [show, run];
}

function verifyPage(steward: FrameSteward, result: SafeHtml): SafeHtml {
  return layout(
    "Verify the audit chain",
    "verify",
    steward,
    html`<h1>Verify the audit chain</h1>
<p class="muted">Tribune recomputes every entry's hash from its content and the hash before it, from the first entry to the newest, and checks that each entry's columns say what was hashed. Any change, removal or insertion breaks the chain at that entry.</p>
<div class="card">${result}
<form method="post" action="/verify"><input type="hidden" name="csrf" value="${steward.csrfToken}"><button type="submit">Verify now</button></form>
</div>`,
  );
}

function verdictBlock(verdict: ChainVerdict, seconds: string): SafeHtml {
  if (verdict.intact) {
    return verdict.count === 0
      ? html`<div class="ok" role="status"><strong>The audit log is empty</strong>: nothing to verify yet.</div>`
      : html`<div class="ok" role="status"><p class="big">Intact up to entry ${verdict.lastSeq}</p>
<p>All ${verdict.count} entries hash correctly and link to the one before them (checked in ${seconds} s). The newest hash is <code class="hash">${verdict.lastHash}</code>; anyone holding it can later check that nothing before it changed.</p></div>`;
  }
  const lastGood = verdict.brokenAt - 1;
  return html`<div class="broken" role="alert"><p class="big">Broken at entry ${verdict.brokenAt}</p>
<p>The first broken link is entry <a href="/audit?before=${verdict.brokenAt + 1}">${verdict.brokenAt}</a>: ${verdict.reason}.</p>
<p>${lastGood > 0 ? `Entries 1 to ${lastGood} are intact` : "No entry before it is intact"}; nothing from entry ${verdict.brokenAt} on can be trusted until the cause is found. (Checked in ${seconds} s.)</p></div>`;
}
