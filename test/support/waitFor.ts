/**
 * Waiting for an event in a test, never timing it. CI runs on a developer's machine
 * that may be busy: there everything is slower, not wrong. A deadline here only bounds
 * how long a broken test hangs, so it is generous, and a shorter one a test asks for
 * (written with a quiet machine in mind) is raised to it.
 */
export const GENEROUS_DEADLINE_MS = 60_000;

/** The deadline a wait of `ms` gets: never less than GENEROUS_DEADLINE_MS. */
export const patient = (ms = GENEROUS_DEADLINE_MS): number => Math.max(ms, GENEROUS_DEADLINE_MS);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls read() until done() holds, or throws naming `what` with the last value seen. */
export async function waitFor<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs?: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + patient(timeoutMs);
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${describe(value)}`);
    await sleep(intervalMs);
  }
}

/** Resolves with the first event `on` delivers that `where` accepts; rejects naming `what` at the deadline. */
export function nextEvent<T>(what: string, on: (listener: (value: T) => void) => () => void, where: (value: T) => boolean = () => true, timeoutMs?: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, patient(timeoutMs));
    const off = on((value) => {
      if (!where(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}
