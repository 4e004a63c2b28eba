import { html, type SafeHtml } from "./html.js";
import { messagePage } from "./layout.js";
import type { RefusedLink } from "./loginLink.js";

/** Each refusal says what happened and what to do next; none of them echoes the link back. */
const REFUSALS: Record<RefusedLink, { status: number; title: string; paragraphs: string[] }> = {
  malformed: {
    status: 400,
    title: "This sign-in link is incomplete",
    paragraphs: [
      "Tribune could not read it: part of it is missing or out of place, which usually happens when a link is cut off while being copied.",
      "Open the link straight from Discord, or ask for a new one with the /audit command.",
    ],
  },
  forged: {
    status: 400,
    title: "This sign-in link was altered, or was not issued by this Tribune",
    paragraphs: [
      "Its signature does not match its content, so it was changed after Tribune signed it or signed with another key. Links cannot be edited to reach another account or last longer.",
      "Ask for a new link with /audit. If you did not change this one, tell your fellow stewards: someone may be passing fake links around.",
    ],
  },
  expired: {
    status: 410,
    title: "This sign-in link has expired",
    paragraphs: [
      "Sign-in links work for 10 minutes after /audit gives them out, so a link that leaks is soon useless.",
      "Run /audit in Discord again for a fresh link.",
    ],
  },
  used: {
    status: 410,
    title: "This sign-in link has already been used",
    paragraphs: [
      "Each link signs in once. If you signed in with it a moment ago, go to the audit log; you are still signed in in that browser.",
      "If it was not you, someone else had the link: run /audit for a new one and tell your fellow stewards.",
    ],
  },
  not_steward: {
    status: 403,
    title: "This link's holder is not a steward",
    paragraphs: [
      "The link is genuine, but the Discord user it was issued to no longer stewards any space in this Tribune.",
      "Ask a steward of your space to grant you access again.",
    ],
  },
};

/** The page and status for a refused link. */
export function refusedLinkPage(reason: RefusedLink): { status: number; page: SafeHtml } {
  const refusal = REFUSALS[reason];
  return {
    status: refusal.status,
    page: messagePage(refusal.title, [...refusal.paragraphs, html`<a href="/audit">Go to the audit log</a>`]),
  };
}

/** Too many attempts from one address. */
export function rateLimitedPage(retryAfterSeconds: number): SafeHtml {
  return messagePage("Too many sign-in attempts", [
    `Sign-in is paused for this address for ${retryAfterSeconds} second(s), to keep anyone from guessing links.`,
    "Wait a little, then open your link again.",
  ]);
}
