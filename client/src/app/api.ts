import { api } from '../../../shared/api/index.ts';
import { createCaller, type CallInput, type CallResult } from '../../../shared/http/caller.ts';
import type { Endpoint } from '../../../shared/http/endpoint.ts';
import type { ApiError } from '../../../shared/schemas/errors.ts';
import { currentLocale } from '../i18n/index.ts';

export { api };
export type { CallInput, CallResult, Endpoint };
/** The `error` of a failed call: code, message, and the bad fields or the conflict. */
export type ApiErrorBody = ApiError['error'];

let csrfToken: string | null = null;
let unauthenticated: (() => void) | null = null;

/** The session's CSRF token (from sign-in or GET /api/auth/me), sent with every request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when the server says the session is gone (the session store sends the user to sign in). */
export function onUnauthenticated(handler: () => void): void {
  unauthenticated = handler;
}

// A 401 from these is an answer (wrong password, not signed in yet), not an expired session.
const sessionProbes: readonly string[] = [api.signIn.path, api.me.path];

/**
 * The app's typed caller: every endpoint of `shared/api`, with the CSRF token and
 * the UI language. Never throws for HTTP errors (see shared/http/caller.ts); a
 * network failure becomes a `network` error result too, so pages have one path.
 */
const rawCall = createCaller({
  headers: () => ({ ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}), 'x-locale': currentLocale() }),
  onResponse: (res) => {
    if (res.status !== 401) return;
    const path = new URL(res.url, window.location.origin).pathname;
    if (!sessionProbes.includes(path)) unauthenticated?.();
  },
});

export async function call<E extends Endpoint>(e: E, input: CallInput<E> = {}): Promise<CallResult<E>> {
  try {
    return await rawCall(e, input);
  } catch {
    return { ok: false, status: 0, error: { code: 'internal', message: 'network' } };
  }
}
