import type { Request, Router } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { api } from '../../shared/api/index.ts';
import { SignInUsername, type Me } from '../../shared/schemas/accounts.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { sessionTokenOf } from '../http/context.ts';
import { HttpError } from '../http/errors.ts';
import { overHttps } from '../http/transportSecurity.ts';
import { bind } from '../http/route.ts';
import type { Actor } from './actor.ts';
import * as accountsService from './service.ts';
import { actorOfAccount, createSession, endSession, SESSION_COOKIE, sessionKeyOf } from './sessions.ts';
import type { SessionSockets } from '../realtime/SessionSockets.ts';

async function meOf(db: Db, actor: Actor): Promise<Me> {
  return {
    account: await accountsService.accountDto(db, actor.accountId),
    csrfToken: actor.csrfToken,
    expiresAt: actor.sessionExpiresAt.toISOString(),
    schoolId: actor.schoolId,
    communityIds: [...actor.communityIds],
  };
}

/**
 * The username the limiter counts under: the one sign-in will look up. Anything that is not a
 * username (an array, an object) counts under the address alone and is refused by validation (400).
 */
function limiterUsername(body: unknown): string {
  const raw = typeof body === 'object' && body !== null ? (body as { username?: unknown }).username : undefined;
  const parsed = SignInUsername.safeParse(raw);
  return parsed.success ? parsed.data : '';
}

export interface SessionWiring {
  /** Where the sign-in limiter counts (Redis when several processes serve; in memory by default). */
  readonly signInLimitStore?: Store;
  /** Closes the sockets of sessions that end (S-SESSION-END). */
  readonly sessionSockets?: SessionSockets;
}

export function accountRoutes(router: Router, db: Db, config: Config, { signInLimitStore: store, sessionSockets }: SessionWiring = {}): void {
  // Secure whenever the request came over HTTPS (directly or through a trusted proxy), so nobody has to remember a setting.
  const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'lax' as const, secure: overHttps(req, config), path: '/' });

  // Guessing passwords is slowed per address and username; the message says when to retry.
  router.use(
    api.signIn.path,
    rateLimit({
      windowMs: config.signInRateLimit.windowSeconds * 1000,
      limit: config.signInRateLimit.max,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${limiterUsername(req.body)}`,
      ...(store ? { store } : {}),
      handler: (_req, _res, next) => next(new HttpError(429, 'rate_limited', `Too many sign-in attempts; try again in ${config.signInRateLimit.windowSeconds} seconds`)),
    }),
  );

  bind(router, api.signIn, async ({ req, body, res }) => {
    const account = await accountsService.authenticate(db, body.username, body.password);
    if (!account) throw new HttpError(401, 'unauthenticated', 'Wrong username or password');
    const session = await createSession(db, account.id, config.session.ttlHours);
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions(req), expires: session.expiresAt });
    return meOf(db, await actorOfAccount(db, account, session.csrfToken, session.expiresAt));
  });

  bind(router, api.signOut, async ({ req, res }) => {
    const token = sessionTokenOf(req);
    if (token) sessionSockets?.end([await endSession(db, token)]);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
  });

  bind(router, api.me, ({ actor }) => meOf(db, actor));
  bind(router, api.updateMe, async ({ actor, body }) => {
    await accountsService.setLocale(db, actor.accountId, body.locale);
    return meOf(db, { ...actor, locale: body.locale });
  });

  bind(router, api.listAccounts, ({ actor }) => accountsService.listAccounts(db, actor));
  bind(router, api.createAccount, ({ actor, body }) => accountsService.createAccount(db, actor, body));
  bind(router, api.updateAccount, async ({ actor, req, params, body }) => {
    const token = sessionTokenOf(req);
    const { account, endedSessions } = await accountsService.updateAccount(db, actor, params.id, body, token ? sessionKeyOf(token) : null);
    sessionSockets?.end(endedSessions);
    return account;
  });
}
