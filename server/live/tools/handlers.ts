import { chatHandlers } from './chatHandlers.ts';
import type { HandlerKit } from './kit.ts';
import { quizHandlers } from './quizHandlers.ts';
import { timerHandlers } from './timerHandlers.ts';

/** The class tools' signaling handlers, spread into the table of signaling.ts. */
export const classToolHandlers = (kit: HandlerKit) => ({ ...quizHandlers(kit), ...chatHandlers(kit), ...timerHandlers(kit) });
