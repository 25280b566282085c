import type { LiveRole } from '../../../shared/schemas/live.ts';
import { LiveError } from '../errors.ts';

/**
 * Who may write and delete in one live room's chat (T-CHAT-*); the messages themselves
 * are kept with the session (ToolStore), so a reconnecting page and the records read the same.
 */
export class ChatLog {
  /** Classroom terminals write only when the host allows it (T-CHAT-CLASSROOMS). */
  classroomsMayChat = false;

  /** Throws the refusal if `role` may not write now. */
  checkSend(role: LiveRole): void {
    if (role === 'observer') throw new LiveError('forbidden', 'Patrols read the chat but do not write in it');
    if (role === 'classroom' && !this.classroomsMayChat) throw new LiveError('forbidden', 'Classroom terminals may chat only when the teacher turns it on');
  }

  /** The host deletes any message; everybody else only their own (T-CHAT-DELETE). */
  checkDelete(role: LiveRole, accountId: string, authorAccountId: string): void {
    if (role === 'host' || (role !== 'observer' && accountId === authorAccountId)) return;
    throw new LiveError('forbidden', 'Only the host deletes other people\'s messages');
  }
}
