import { ChatLog } from './ChatLog.ts';
import { LessonTimer } from './LessonTimer.ts';
import { QuizBook } from './QuizBook.ts';
import type { SavedTools } from './ToolStore.ts';

/** The class tools of one live room (quiz, chat, countdown), owned by the room: they live and end with it. */
export class ClassTools {
  readonly quiz = new QuizBook();
  readonly chat = new ChatLog();
  readonly timer = new LessonTimer();

  /** T-TOOLS-RESTORE: a room (re)created for a session goes on where the session's records say its tools were. */
  restore(saved: SavedTools): void {
    this.quiz.restore(saved.questions);
    this.chat.classroomsMayChat = saved.classroomsMayChat;
    this.timer.replay(saved.timer);
  }
}
