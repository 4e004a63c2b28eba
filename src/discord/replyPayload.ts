import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from "discord.js";
import type { Reply } from "./command.js";

/** What discord.js's reply, edit, update and send all accept. */
export interface MessagePayload {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowedMentions: { parse: ("users" | "roles" | "everyone")[]; users: string[] };
}

/** A handler's reply as discord.js send options; nobody is pinged unless the reply names them. */
export function toMessageOptions(reply: Reply): MessagePayload {
  return {
    content: reply.content ?? "",
    embeds: reply.embeds ? [...reply.embeds] : [],
    components: reply.components ? [...reply.components] : [],
    allowedMentions: {
      parse: reply.allowedMentions?.parse ? [...reply.allowedMentions.parse] : [],
      users: reply.allowedMentions?.users ? [...reply.allowedMentions.users] : [],
    },
  };
}
