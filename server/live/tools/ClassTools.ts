import { ChatLog } from './ChatLog.ts';
import { LessonTimer } from './LessonTimer.ts';
import { QuizBook } from './QuizBook.ts';

/** The class tools of one live room (quiz, chat, countdown), owned by the room: they live and end with it. */
export class ClassTools {
  readonly quiz = new QuizBook();
  readonly chat = new ChatLog();
  readonly timer = new LessonTimer();
}
