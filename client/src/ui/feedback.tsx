import type { ReactNode } from 'react';
import { useT } from '../i18n/index.ts';
import { Icon, type IconName } from './Icon.tsx';

export function Spinner({ label }: { label?: string }) {
  const t = useT();
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export interface EmptyStateProps {
  icon?: IconName;
  title: ReactNode;
  description?: ReactNode;
  action?: ReactNode;
  compact?: boolean;
  testId?: string;
}

export function EmptyState({ icon = 'folder', title, description, action, compact, testId }: EmptyStateProps) {
  return (
    <div className={`empty${compact ? ' empty--compact' : ''}`} data-testid={testId}>
      <div className="empty-icon">
        <Icon name={icon} size={compact ? 22 : 28} />
      </div>
      <p className="empty-title">{title}</p>
      {description && <p className="empty-description">{description}</p>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

export type AlertTone = 'info' | 'success' | 'warning' | 'danger';

export function Alert({ tone = 'info', title, children, testId }: { tone?: AlertTone; title?: ReactNode; children?: ReactNode; testId?: string }) {
  const icon: IconName = tone === 'success' ? 'check' : tone === 'info' ? 'info' : 'alert';
  return (
    <div className={`alert alert--${tone}`} role={tone === 'danger' || tone === 'warning' ? 'alert' : 'status'} data-testid={testId}>
      <Icon name={icon} size={18} className="alert-icon" />
      <div className="alert-body">
        {title && <p className="alert-title">{title}</p>}
        {children && <div className="alert-text">{children}</div>}
      </div>
    </div>
  );
}
