import type { Request, Response } from 'express';
import type { Locale } from '../../shared/schemas/common.ts';
import type { Actor } from '../accounts/actor.ts';

/** Per-request state set by middleware, kept off `req` so Express' types stay untouched. */
interface RequestState {
  actor: Actor | null;
  sessionToken: string | null;
}

const state = new WeakMap<Request, RequestState>();

export const setRequestState = (req: Request, s: RequestState) => void state.set(req, s);
export const actorOf = (req: Request): Actor | null => state.get(req)?.actor ?? null;
export const sessionTokenOf = (req: Request): string | null => state.get(req)?.sessionToken ?? null;

/** The signed-in account's language, else the browser's, else Chinese. */
export function localeOf(req: Request): Locale {
  const actor = actorOf(req);
  if (actor) return actor.locale;
  const header = req.get('x-locale') ?? req.get('accept-language') ?? '';
  return /^en\b/i.test(header) ? 'en' : 'zh-CN';
}

export type { Request, Response };
