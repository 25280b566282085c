import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Link } from '../app/router.tsx';
import { Icon, type IconName } from './Icon.tsx';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'link';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: IconName;
  loading?: boolean;
  children?: ReactNode;
}

const classes = (variant: ButtonVariant, size: 'sm' | 'md', extra?: string) => `btn btn--${variant} btn--${size}${extra ? ` ${extra}` : ''}`;

export function Button({ variant = 'secondary', size = 'md', icon, loading, children, className, type = 'button', disabled, ...rest }: ButtonProps) {
  return (
    <button {...rest} type={type} className={classes(variant, size, className)} disabled={disabled || loading} aria-busy={loading || undefined}>
      {loading ? <span className="spinner spinner--sm" aria-hidden="true" /> : icon ? <Icon name={icon} size={size === 'sm' ? 15 : 17} /> : null}
      {children !== undefined && <span>{children}</span>}
    </button>
  );
}

export interface LinkButtonProps {
  to: string;
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: IconName;
  children: ReactNode;
  className?: string;
  'data-testid'?: string;
}

/** A link that looks like a button (navigation, not an action). */
export function LinkButton({ to, variant = 'secondary', size = 'md', icon, children, className, ...rest }: LinkButtonProps) {
  return (
    <Link to={to} className={classes(variant, size, className)} {...rest}>
      {icon && <Icon name={icon} size={size === 'sm' ? 15 : 17} />}
      <span>{children}</span>
    </Link>
  );
}
