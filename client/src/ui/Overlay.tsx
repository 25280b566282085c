import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useT } from '../i18n/index.ts';
import { Icon } from './Icon.tsx';

interface OverlayProps {
  open: boolean;
  onClose(): void;
  title: ReactNode;
  /** A line under the title. */
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
}

let openCount = 0;

function useOverlay(open: boolean, onClose: () => void) {
  const panel = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement as HTMLElement | null;
    openCount++;
    document.body.classList.add('has-overlay');
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close.current();
      }
    };
    window.addEventListener('keydown', onKey);
    // Focus the first input (or the panel) so keyboard users start inside.
    const first = panel.current?.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select, textarea');
    (first ?? panel.current)?.focus();
    return () => {
      window.removeEventListener('keydown', onKey);
      if (--openCount === 0) document.body.classList.remove('has-overlay');
      before?.focus?.();
    };
  }, [open]);
  return panel;
}

function Shell({ kind, open, onClose, title, subtitle, children, footer, testId }: OverlayProps & { kind: 'dialog' | 'drawer' }) {
  const t = useT();
  const panel = useOverlay(open, onClose);
  const titleId = useId();
  if (!open) return null;
  return createPortal(
    <div className={`overlay overlay--${kind}`} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={panel} className={`${kind}`} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} data-testid={testId}>
        <header className={`${kind}-header`}>
          <div>
            <h2 id={titleId}>{title}</h2>
            {subtitle && <p className={`${kind}-subtitle`}>{subtitle}</p>}
          </div>
          <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')}>
            <Icon name="close" />
          </button>
        </header>
        <div className={`${kind}-body`}>{children}</div>
        {footer && <footer className={`${kind}-footer`}>{footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}

/** A centred modal for short questions (end a membership?). */
export const Dialog = (props: OverlayProps) => <Shell kind="dialog" {...props} />;

/** A side panel for create / edit forms; full width on narrow screens. */
export const Drawer = (props: OverlayProps) => <Shell kind="drawer" {...props} />;
