import { z } from 'zod';
import { CHAT_MAX_LENGTH, ChatMessage, ChatSettings } from '../schemas/classTools.ts';
import { Id } from '../schemas/common.ts';

/** Chat of a live session (rules T-CHAT-* in server/live/tools/README.md). Spread into the signaling table (live.ts). */
export const chatRequests = {
  chatSend: { request: z.object({ text: z.string().trim().min(1).max(CHAT_MAX_LENGTH) }), response: z.object({ message: ChatMessage }) },
  /** The host deletes any message, everybody else only their own. */
  chatDelete: { request: z.object({ messageId: Id }), response: z.object({}) },
  /** Host: whether classroom terminals may write. */
  chatSettings: { request: ChatSettings, response: ChatSettings },
  /** The session's messages (deleted ones without their text) and the settings. */
  chatHistory: { request: z.object({}), response: z.object({ messages: z.array(ChatMessage), settings: ChatSettings }) },
} as const;

export const chatNotifications = {
  chatMessage: z.object({ message: ChatMessage }),
  chatDeleted: z.object({ messageId: Id, deletedAt: z.string() }),
  chatSettingsChanged: ChatSettings,
} as const;
