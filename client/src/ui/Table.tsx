import type { ReactNode } from 'react';
import { Spinner } from './feedback.tsx';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render(row: T): ReactNode;
  align?: 'left' | 'right' | 'center';
  width?: string;
  /** Hidden on narrow screens (tablet portrait), for secondary details. */
  secondary?: boolean;
  /** Long text (names) may wrap; other cells stay on one line and the table scrolls sideways. */
  wrap?: boolean;
}

export interface TableProps<T> {
  columns: readonly Column<T>[];
  rows: readonly T[] | undefined;
  rowKey(row: T): string;
  /** Shown instead of rows when there are none. */
  empty?: ReactNode;
  loading?: boolean;
  /** Dimmed rows (ended memberships, disabled accounts). */
  muted?(row: T): boolean;
  testId?: string;
  label?: string;
}

/**
 * A clear data table that scrolls sideways rather than squeezing on narrow screens; on a
 * phone each row becomes a card of "header: value" lines, so the page never scrolls sideways.
 */
export function Table<T>({ columns, rows, rowKey, empty, loading, muted, testId, label }: TableProps<T>) {
  const cls = (c: Column<T>) => [c.align ? `align-${c.align}` : '', c.secondary ? 'col-secondary' : '', c.wrap ? 'col-wrap' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="table-wrap" data-testid={testId}>
      <table className="table" aria-label={label} aria-busy={loading || undefined}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={cls(c)} style={c.width ? { width: c.width } : undefined} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows === undefined || (loading && rows.length === 0) ? (
            <tr className="table-state">
              <td colSpan={columns.length}>
                <Spinner />
              </td>
            </tr>
          ) : rows.length === 0 ? (
            <tr className="table-state">
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)} className={muted?.(row) ? 'is-muted' : undefined}>
                {columns.map((c) => (
                  <td key={c.key} className={cls(c)} data-label={typeof c.header === 'string' ? c.header : undefined}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
