import { html, type SafeHtml } from "./html.js";

/** The signed-in steward, as the page frame shows them. */
export interface FrameSteward {
  discordUserId: string;
  csrfToken: string;
}

export type Section = "audit" | "spaces" | "verify" | "none";

/** The frame every page shares: the header with the navigation and sign-out, then the page's own content. */
export function layout(title: string, section: Section, steward: FrameSteward | null, content: SafeHtml): SafeHtml {
  const link = (href: string, name: Section, label: string) =>
    html`<a href="${href}" ${section === name ? html`aria-current="page"` : ""}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Tribune</title>
<link rel="stylesheet" href="/assets/tribune.css">
</head>
<body>
<header class="top">
  <a class="brand" href="/audit">Tribune</a>
  ${
    steward
      ? html`<nav>${link("/audit", "audit", "Audit log")}${link("/spaces", "spaces", "Spaces")}${link("/verify", "verify", "Verify")}</nav>
  <span class="who">Steward ${steward.discordUserId}</span>
  <form method="post" action="/logout"><input type="hidden" name="csrf" value="${steward.csrfToken}"><button class="quiet" type="submit">Sign out</button></form>`
      : html`<nav></nav>`
  }
</header>
<main>
${content}
</main>
</body>
</html>`;
}

/** A page that only says something: a refused link, a missing session, a space the steward may not see. */
export function messagePage(
  title: string,
  paragraphs: readonly (string | SafeHtml)[],
  steward: FrameSteward | null = null,
): SafeHtml {
  return layout(
    title,
    "none",
    steward,
    html`<h1>${title}</h1><div class="card">${paragraphs.map((p) => html`<p>${p}</p>`)}</div>`,
  );
}

/** "2026-11-24 18:30:05 UTC": times are shown in UTC, the log's own zone, so two stewards read the same thing. */
export function formatUtc(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const iso = typeof value === "string" ? value : value.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
