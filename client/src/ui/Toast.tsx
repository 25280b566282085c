import { create } from 'zustand';
import { Icon } from './Icon.tsx';

interface ToastItem {
  id: number;
  tone: 'success' | 'error' | 'info';
  text: string;
}

interface ToastState {
  items: ToastItem[];
  push(tone: ToastItem['tone'], text: string): void;
  dismiss(id: number): void;
}

let next = 1;

const useToasts = create<ToastState>()((set, get) => ({
  items: [],
  push(tone, text) {
    const id = next++;
    set({ items: [...get().items.slice(-3), { id, tone, text }] });
    window.setTimeout(() => get().dismiss(id), tone === 'error' ? 7000 : 4000);
  },
  dismiss(id) {
    set({ items: get().items.filter((i) => i.id !== id) });
  },
}));

/** Short notices after an action ("已保存"); call from anywhere. */
export const toast = {
  success: (text: string) => useToasts.getState().push('success', text),
  error: (text: string) => useToasts.getState().push('error', text),
  info: (text: string) => useToasts.getState().push('info', text),
};

export function Toaster() {
  const items = useToasts((s) => s.items);
  const dismiss = useToasts((s) => s.dismiss);
  return (
    <div className="toaster" aria-live="polite">
      {items.map((i) => (
        <div key={i.id} className={`toast toast--${i.tone}`} role="status" data-testid="toast">
          <Icon name={i.tone === 'success' ? 'check' : i.tone === 'error' ? 'alert' : 'info'} size={18} />
          <span>{i.text}</span>
          <button type="button" className="icon-button icon-button--sm" onClick={() => dismiss(i.id)} aria-label="×">
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
