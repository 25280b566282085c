import type { ReactNode } from 'react';

export type BadgeTone = 'blue' | 'teal' | 'green' | 'orange' | 'red' | 'gray' | 'purple';

export function Badge({ tone = 'gray', children, title }: { tone?: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {children}
    </span>
  );
}
