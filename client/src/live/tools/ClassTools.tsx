import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { ChatPanel } from './ChatPanel.tsx';
import { LessonTimer } from './LessonTimer.tsx';
import { QuizHost } from './QuizHost.tsx';
import { QuizPad } from './QuizPad.tsx';
import './tools.css';

/** The class tools on the teacher's console: countdown controls, the quiz, the chat (pages mount one of these). */
export function HostTools({ client, view }: { client: LiveClient; view: LiveView }) {
  return (
    <div className="tools-row" data-testid="class-tools">
      <LessonTimer client={client} view={view} controls={view.permissions?.role === 'host'} />
      <QuizHost client={client} view={view} />
      <ChatPanel client={client} view={view} />
    </div>
  );
}

/**
 * On a classroom terminal: the countdown large, the answer pad, the chat when the teacher allows
 * it. An invited teacher of a lesson (the same page) follows the quiz without answering.
 */
export function ClassroomTools({ client, view }: { client: LiveClient; view: LiveView }) {
  return (
    <div className="tools-row tools-row--terminal" data-testid="class-tools">
      <LessonTimer client={client} view={view} large />
      {view.permissions?.role === 'classroom' ? <QuizPad client={client} view={view} /> : <QuizHost client={client} view={view} />}
      <ChatPanel client={client} view={view} />
    </div>
  );
}

/** In a research session: the countdown (the host's controls) and the chat. */
export function ResearchTools({ client, view }: { client: LiveClient; view: LiveView }) {
  return (
    <div className="tools-row" data-testid="class-tools">
      <LessonTimer client={client} view={view} controls={view.permissions?.role === 'host'} />
      <ChatPanel client={client} view={view} />
    </div>
  );
}
