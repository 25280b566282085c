import { useEffect, type ReactNode } from 'react';
import { Link } from '../app/router.tsx';
import { useT } from '../i18n/index.ts';
import { Icon, type IconName } from './Icon.tsx';
import { EmptyState } from './feedback.tsx';
import { LinkButton } from './Button.tsx';

export interface Crumb {
  label: string;
  to?: string;
}

export interface PageHeaderProps {
  title: ReactNode;
  /** Badges or a short line beside / under the title. */
  meta?: ReactNode;
  description?: ReactNode;
  breadcrumbs?: readonly Crumb[];
  actions?: ReactNode;
}

export function PageHeader({ title, meta, description, breadcrumbs, actions }: PageHeaderProps) {
  const t = useT();
  useEffect(() => {
    if (typeof title === 'string') document.title = `${title} · 同步 tongbu`;
  }, [title]);
  return (
    <div className="page-header">
      {breadcrumbs && breadcrumbs.length > 0 && (
        <nav className="breadcrumbs" aria-label={t('common.breadcrumbs')}>
          {breadcrumbs.map((c, i) => (
            <span key={i} className="breadcrumb">
              {c.to ? <Link to={c.to}>{c.label}</Link> : <span aria-current="page">{c.label}</span>}
              {i < breadcrumbs.length - 1 && <Icon name="chevronRight" size={14} />}
            </span>
          ))}
        </nav>
      )}
      <div className="page-header-main">
        <div className="page-header-text">
          <h1>{title}</h1>
          {meta && <div className="page-header-meta">{meta}</div>}
          {description && <p className="page-header-description">{description}</p>}
        </div>
        {actions && <div className="page-header-actions">{actions}</div>}
      </div>
    </div>
  );
}

export interface CardProps {
  title?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  /** No inner padding (tables go edge to edge). */
  flush?: boolean;
  className?: string;
  testId?: string;
}

export function Card({ title, subtitle, actions, children, flush, className, testId }: CardProps) {
  return (
    <section className={`card${flush ? ' card--flush' : ''}${className ? ` ${className}` : ''}`} data-testid={testId}>
      {(title || actions) && (
        <header className="card-header">
          <div>
            {title && <h2 className="card-title">{title}</h2>}
            {subtitle && <p className="card-subtitle">{subtitle}</p>}
          </div>
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}

export interface StatProps {
  label: ReactNode;
  value: ReactNode;
  hint?: ReactNode;
  icon?: IconName;
  tone?: 'blue' | 'teal' | 'orange' | 'purple';
  to?: string;
  testId?: string;
}

/** One figure on a dashboard. */
export function Stat({ label, value, hint, icon, tone = 'blue', to, testId }: StatProps) {
  const body = (
    <>
      {icon && (
        <span className={`stat-icon stat-icon--${tone}`}>
          <Icon name={icon} size={20} />
        </span>
      )}
      <span className="stat-text">
        <span className="stat-label">{label}</span>
        <span className="stat-value">{value}</span>
        {hint && <span className="stat-hint">{hint}</span>}
      </span>
    </>
  );
  return to ? (
    <Link to={to} className="stat stat--link" data-testid={testId}>
      {body}
    </Link>
  ) : (
    <div className="stat" data-testid={testId}>
      {body}
    </div>
  );
}

/** Label / value pairs (school details, community details). */
export function DescriptionList({ items }: { items: readonly { label: ReactNode; value: ReactNode }[] }) {
  return (
    <dl className="dl">
      {items.map((item, i) => (
        <div key={i} className="dl-item">
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** What a page shows for a thing that does not exist or is not the caller's to see (the API's 404). */
export function NotFoundState({ backTo = '/', backLabel }: { backTo?: string; backLabel?: string }) {
  const t = useT();
  return (
    <div className="page-center">
      <EmptyState
        icon="search"
        title={t('errors.notFoundTitle')}
        description={t('errors.notFoundText')}
        action={
          <LinkButton to={backTo} variant="primary" icon="chevronLeft">
            {backLabel ?? t('errors.backHome')}
          </LinkButton>
        }
        testId="not-found"
      />
    </div>
  );
}

/** A failed load that is not a 404 (network, server error), with a retry. */
export function LoadError({ onRetry }: { onRetry(): void }) {
  const t = useT();
  return (
    <div className="page-center">
      <EmptyState
        icon="alert"
        title={t('errors.loadFailed')}
        description={t('errors.loadFailedText')}
        action={
          <button type="button" className="btn btn--secondary btn--md" onClick={onRetry}>
            {t('common.retry')}
          </button>
        }
      />
    </div>
  );
}
