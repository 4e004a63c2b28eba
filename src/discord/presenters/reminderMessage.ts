import { maskedLink, userMention } from "./hostileText.js";
import { ALLOWED_MENTION_USERS_MAX, CONTENT_MAX } from "./limits.js";
import { type PresentedMessage, presentMessage } from "./presentedMessage.js";
import { fullTime, proposalTitle, proposalUrl } from "./proposalText.js";
import type { ReminderNeed, ReminderView } from "./views.js";

// The reminder before a proposal ends: the one thread message that pings, and it pings only the members who must act.
// Mentions only ping from message content (never from embeds), so this is plain content, split to Discord's 2000
// characters and 100 pinged users per message. A private member is mentioned (they must be told) but in a group that
// says nothing about why, so the thread does not learn what their values made Tribune do.

const NEED_WORDS: Record<ReminderNeed, string> = {
  answer: "Tribune is asking for your word before it ends (use the buttons on “How Tribune will vote”, or /override)",
  delegate: "No delegation to your agent was detected, so Tribune cannot vote for you (see /delegate)",
};
const PRIVATE_WORDS = "Tribune needs something from you before it ends: /why tells you what";
// A mention is at most 24 characters ("<@" + 21 digits + ">" and a space): this many leave room for the words.
const MENTIONS_PER_BLOCK = 60;

interface Block {
  text: string;
  users: string[];
}

/** The reminder as one or more messages, or null when nobody must act (no message at all). */
export function reminderMessages(view: ReminderView): PresentedMessage[] | null {
  const groups = new Map<string, string[]>();
  for (const { member, need } of view.members) {
    if (userMention(member.discordUserId) === null) continue;
    const words = member.privacy === "public" ? NEED_WORDS[need] : PRIVATE_WORDS;
    const ids = groups.get(words) ?? [];
    if (!ids.includes(member.discordUserId)) ids.push(member.discordUserId);
    groups.set(words, ids);
  }
  if (groups.size === 0) return null;
  const linked = maskedLink(proposalTitle(view.proposal, 150), proposalUrl(view.proposal.source), true);
  // A link can be long; the reminder's first line must not eat the room the mentions need.
  const title = linked.length <= 600 ? linked : proposalTitle(view.proposal, 150);
  const blocks: Block[] = [{ text: `⏰ **${title}** ends ${fullTime(view.proposal.endAt)}.`, users: [] }];
  for (const [words, ids] of groups) {
    for (let i = 0; i < ids.length; i += MENTIONS_PER_BLOCK) {
      const chunk = ids.slice(i, i + MENTIONS_PER_BLOCK);
      blocks.push({ text: `${words}: ${chunk.map((id) => `<@${id}>`).join(" ")}`, users: chunk });
    }
  }
  return packMentionBlocks(blocks).map((block) => presentMessage({ content: block.text, ping: block.users }));
}

/** Blocks joined by line breaks into messages within the content limit and the limit on pinged users. */
function packMentionBlocks(blocks: readonly Block[]): Block[] {
  const messages: Block[] = [];
  let current: Block | null = null;
  for (const block of blocks) {
    if (
      current &&
      current.text.length + 1 + block.text.length <= CONTENT_MAX &&
      current.users.length + block.users.length <= ALLOWED_MENTION_USERS_MAX
    ) {
      current = { text: `${current.text}\n${block.text}`, users: [...current.users, ...block.users] };
      messages[messages.length - 1] = current;
    } else {
      current = { text: block.text, users: [...block.users] };
      messages.push(current);
    }
  }
  return messages;
}
