import { useCallback, useEffect, useRef, useState } from 'react';
import type { ResponseOf } from '../../../shared/http/endpoint.ts';
import { call, type ApiErrorBody, type CallInput, type Endpoint } from './api.ts';

export interface Query<T> {
  data: T | undefined;
  error: ApiErrorBody | undefined;
  /** HTTP status of the last answer (404 → a not-found state). */
  status: number;
  loading: boolean;
  reload(): Promise<void>;
  /** Replace the data locally after a write (no refetch). */
  setData(data: T): void;
}

/**
 * Loads one endpoint for a page and reloads when its input changes. Pass `null`
 * as the input to wait (e.g. until a dependency is known).
 */
export function useQuery<E extends Endpoint>(e: E, input: CallInput<E> | null): Query<ResponseOf<E>> {
  const key = input === null ? null : JSON.stringify(input);
  const [state, setState] = useState<{ key: string | null; data?: ResponseOf<E>; error?: ApiErrorBody; status: number; loading: boolean }>({
    key,
    status: 0,
    loading: input !== null,
  });
  const seq = useRef(0);
  const inputRef = useRef(input);
  inputRef.current = input;

  const load = useCallback(async () => {
    const current = inputRef.current;
    if (current === null) return;
    const n = ++seq.current;
    // Reloading keeps the data on screen; another input starts empty.
    setState((s) => (s.key === key ? { ...s, loading: true } : { key, status: 0, loading: true }));
    const res = await call(e, current);
    if (n !== seq.current) return;
    if (res.ok) setState({ key, data: res.data, status: res.status, loading: false });
    else setState({ key, error: res.error, status: res.status, loading: false });
  }, [e, key]);

  useEffect(() => {
    void load();
  }, [load]);

  // Data of another input is never shown as this one's.
  const fresh = state.key === key;
  return {
    data: fresh ? state.data : undefined,
    error: fresh ? state.error : undefined,
    status: fresh ? state.status : 0,
    loading: !fresh || state.loading,
    reload: load,
    setData: (data) => setState((s) => ({ ...s, data })),
  };
}

/** Loads several calls at once (e.g. classrooms of many schools); null waits. */
export function useAsync<T>(load: (() => Promise<T>) | null, deps: readonly unknown[]): { data: T | undefined; loading: boolean; reload(): void } {
  const [state, setState] = useState<{ data?: T; loading: boolean }>({ loading: load !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!load) return;
    let alive = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => alive && setState({ data, loading: false }),
      () => alive && setState({ loading: false }),
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data: state.data, loading: state.loading, reload: () => setTick((t) => t + 1) };
}
