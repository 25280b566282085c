/**
 * Interval arithmetic over half-open spans of milliseconds [start, end).
 * Lists in and out are normalized: sorted, disjoint, non-empty.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Sorted, merged, empty spans dropped. */
export function union(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, s.end) };
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** The parts covered by both lists. */
export function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const x = union(a);
  const y = union(b);
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const start = Math.max(x[i]!.start, y[j]!.start);
    const end = Math.min(x[i]!.end, y[j]!.end);
    if (end > start) out.push({ start, end });
    if (x[i]!.end < y[j]!.end) i++;
    else j++;
  }
  return out;
}

/** The parts of `a` that `b` does not cover. */
export function minus(a: readonly Span[], b: readonly Span[]): Span[] {
  const cover = union(b);
  const out: Span[] = [];
  for (const span of union(a)) {
    let start = span.start;
    for (const c of cover) {
      if (c.end <= start || c.start >= span.end) continue;
      if (c.start > start) out.push({ start, end: c.start });
      start = Math.max(start, c.end);
    }
    if (start < span.end) out.push({ start, end: span.end });
  }
  return out;
}

export const clip = (spans: readonly Span[], window: Span): Span[] => intersect(spans, [window]);

export const total = (spans: readonly Span[]): number => union(spans).reduce((sum, s) => sum + (s.end - s.start), 0);
