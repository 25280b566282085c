import { chatHandlers } from './chatHandlers.ts';
import { quizHandlers } from './quizHandlers.ts';
import { timerHandlers } from './timerHandlers.ts';

/** The class tools' signaling handlers, spread into the table of signaling.ts. */
export const classToolHandlers = { ...quizHandlers(), ...chatHandlers(), ...timerHandlers() };
