import { useEffect, useState } from 'react';
import type { ChatMessage, ChatSettings } from '../../../../shared/schemas/classTools.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';

/** The room's chat (history after every (re)join, then the notifications) and its settings. */
export function useChat(client: LiveClient, view: LiveView): { messages: ChatMessage[]; settings: ChatSettings } {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [settings, setSettings] = useState<ChatSettings>({ classroomsMayChat: false });
  useEffect(() => {
    const sig = client.signaling;
    const offs = [
      sig.on('chatMessage', ({ message }) => setMessages((ms) => (ms.some((m) => m.id === message.id) ? ms : [...ms, message]))),
      sig.on('chatDeleted', ({ messageId, deletedAt }) => setMessages((ms) => ms.map((m) => (m.id === messageId ? { ...m, text: '', deletedAt } : m)))),
      sig.on('chatSettingsChanged', setSettings),
    ];
    if (view.state === 'live') {
      sig.request('chatHistory', {}).then((r) => {
        setMessages(r.messages);
        setSettings(r.settings);
      }, () => undefined);
    }
    return () => offs.forEach((off) => off());
  }, [client, view.state]);
  return { messages, settings };
}
