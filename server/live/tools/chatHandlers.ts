import type { chatRequests } from '../../../shared/signaling/chat.ts';
import { inputShapeProblem } from '../../http/inputGuard.ts';
import { LiveError } from '../errors.ts';
import { inRoom, requireModerator } from '../handlers.ts';
import { everyone, storeOf, takeChatTurn, type HandlersOf } from './kit.ts';
import { chatView } from './ToolStore.ts';

/** Chat of a live session (T-CHAT-*): kept with the session, seen by those in the room. */
export function chatHandlers(): HandlersOf<typeof chatRequests> {
  return {
    chatSend: inRoom<'chatSend'>(async (ctx, { text }) => {
      const { room, peer } = ctx;
      room.tools.chat.checkSend(peer.role);
      // The input guard's rule (I-INPUT-SHAPE) holds over the socket too.
      const problem = inputShapeProblem(text, 'text');
      if (problem) throw new LiveError('validation', `text: ${problem.fields[0]?.message ?? 'contains a control character'}`);
      takeChatTurn(ctx);
      const row = await storeOf(ctx.service).chatSent(room.sessionId, { accountId: peer.actor.accountId, name: peer.actor.displayName, role: peer.role }, text, new Date());
      const message = chatView(row);
      for (const p of everyone(ctx)) room.notify(p, 'chatMessage', { message });
      return { message };
    }),

    chatDelete: inRoom<'chatDelete'>(async (ctx, { messageId }) => {
      const { room, peer } = ctx;
      const store = storeOf(ctx.service);
      const row = await store.chatMessage(room.sessionId, messageId);
      if (!row) throw new LiveError('not_found', 'No such message in this session');
      room.tools.chat.checkDelete(peer.role, peer.actor.accountId, row.accountId);
      if (row.deletedAt) return {};
      const at = new Date();
      await store.chatDeleted(room.sessionId, messageId, peer.actor.accountId, at);
      for (const p of everyone(ctx)) room.notify(p, 'chatDeleted', { messageId, deletedAt: at.toISOString() });
      return {};
    }),

    chatSettings: inRoom<'chatSettings'>(async (ctx, { classroomsMayChat }) => {
      requireModerator(ctx);
      const { room } = ctx;
      if (room.tools.chat.classroomsMayChat !== classroomsMayChat) {
        room.tools.chat.classroomsMayChat = classroomsMayChat;
        await storeOf(ctx.service).event(room.sessionId, 'chat', classroomsMayChat ? 'classrooms_on' : 'classrooms_off', ctx.actor.accountId, {}, new Date());
        for (const p of everyone(ctx)) room.notify(p, 'chatSettingsChanged', { classroomsMayChat });
      }
      return { classroomsMayChat };
    }),

    chatHistory: inRoom<'chatHistory'>(async (ctx) => {
      const rows = await storeOf(ctx.service).chatMessages(ctx.room.sessionId);
      return { messages: rows.map(chatView), settings: { classroomsMayChat: ctx.room.tools.chat.classroomsMayChat } };
    }),
  };
}
