import { useState, type FormEvent } from 'react';
import { CHAT_MAX_LENGTH } from '../../../../shared/schemas/classTools.ts';
import { useT } from '../../i18n/index.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { Checkbox } from '../../ui/index.ts';
import { act } from '../TeacherConsole.tsx';
import { useChat } from './useChat.ts';

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });

/**
 * The session's chat (T-CHAT-*): everybody in the room reads; the host deletes any message,
 * the others their own; classroom terminals write when the host allows it (the host's switch).
 */
export function ChatPanel({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const { messages, settings } = useChat(client, view);
  const [text, setText] = useState('');
  const role = view.permissions?.role;
  const me = view.peers.find((p) => p.peerId === view.peerId)?.accountId;
  const mayWrite = role === 'host' || role === 'teacher' || (role === 'classroom' && settings.classroomsMayChat);
  if (role === 'classroom' && !settings.classroomsMayChat) return null;
  const send = (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    act(async () => {
      await client.signaling.request('chatSend', { text: body });
      setText('');
    })();
  };
  return (
    <section className="tools-card tools-chat" data-testid="chat-panel" aria-label={t('live.tools.chat')}>
      <h3 className="tools-title">{t('live.tools.chat')}</h3>
      {role === 'host' && (
        <Checkbox checked={settings.classroomsMayChat} onChange={(on) => act(() => client.signaling.request('chatSettings', { classroomsMayChat: on }))()} label={t('live.tools.chatClassrooms')} data-testid="chat-classrooms" />
      )}
      <ol className="tools-chat-list">
        {messages.length === 0 && <li className="tools-muted">{t('live.tools.chatEmpty')}</li>}
        {messages.map((m) => (
          <li key={m.id} className="tools-chat-message" data-testid="chat-message" data-deleted={m.deletedAt !== null}>
            <span className="tools-chat-meta">
              {m.authorName} · {timeOf(m.sentAt)}
            </span>
            {m.deletedAt ? <em className="tools-muted">{t('live.tools.chatDeleted')}</em> : <span className="tools-chat-text">{m.text}</span>}
            {!m.deletedAt && (role === 'host' || (me === m.accountId && role !== 'observer')) && (
              <button type="button" className="btn btn--link btn--sm" onClick={act(() => client.signaling.request('chatDelete', { messageId: m.id }))} data-testid="chat-delete">
                {t('live.tools.chatDelete')}
              </button>
            )}
          </li>
        ))}
      </ol>
      {mayWrite && (
        <form className="tools-chat-form" onSubmit={send}>
          <input className="input" value={text} maxLength={CHAT_MAX_LENGTH} onChange={(e) => setText(e.target.value)} placeholder={t('live.tools.chatPlaceholder')} aria-label={t('live.tools.chatPlaceholder')} data-testid="chat-input" />
          <button type="submit" className="btn btn--primary btn--sm" disabled={!text.trim()} data-testid="chat-send">
            {t('live.tools.chatSend')}
          </button>
        </form>
      )}
    </section>
  );
}
