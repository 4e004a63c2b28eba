import { escapeMarkdown } from "discord.js";
import type { Proposal, Space } from "../../generated/prisma/client.js";
import type { Reply } from "../command.js";

/** /proposals: one line per proposal with its space, end time and state. */
export function listProposalsMessage(
  rows: readonly (Proposal & { space: Space })[],
  filter: { state: string; space: string | null; now: Date },
): Reply {
  const scope = filter.space ? ` in ${escapeMarkdown(filter.space)}` : "";
  if (rows.length === 0) {
    return {
      content: `No ${filter.state === "all" ? "" : `${filter.state} `}proposals${scope}. Use /summary on one to read its digest.`,
    };
  }
  const lines = rows.map((row) => {
    const end = Math.floor(row.endAt.getTime() / 1000);
    const when = row.endAt > filter.now ? `ends <t:${end}:R>` : `ended <t:${end}:d>`;
    const title = escapeMarkdown(row.title.replace(/\s+/g, " ").slice(0, 90));
    return `• **${title}** · ${escapeMarkdown(row.space.externalId)} · ${row.state} · ${when}`;
  });
  const header = `**${rows.length} ${filter.state === "all" ? "" : `${filter.state} `}proposal${rows.length === 1 ? "" : "s"}${scope}**`;
  return {
    content: [header, ...lines, "Use /summary to read one."].join("\n").slice(0, 2_000),
    allowedMentions: { parse: [] },
  };
}
