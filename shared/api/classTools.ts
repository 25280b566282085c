import { endpoint } from '../http/endpoint.ts';
import { SessionChat, SessionQuizResults } from '../schemas/classTools.ts';
import { SessionParams } from '../schemas/live.ts';

/** Class tools' records of a session (quiz results with the tool timeline, chat history): readable by whoever reads the session's participation. */
export const classToolsApi = {
  liveQuizResults: endpoint({ method: 'get', path: '/api/live/sessions/:sessionId/quiz', summary: 'A session\'s quiz questions with every classroom\'s answer, and the timeline of its class tools (quiz, timer, chat moderation) for replay', tag: 'live', params: SessionParams, response: SessionQuizResults }),
  liveChatHistory: endpoint({ method: 'get', path: '/api/live/sessions/:sessionId/chat', summary: 'A session\'s chat (deleted messages without their text, with who deleted them)', tag: 'live', params: SessionParams, response: SessionChat }),
} as const;
