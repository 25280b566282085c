import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type Express, Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { WorkerPool } from '../media/WorkerPool.ts';
import { accountRoutes, type SessionWiring } from './accounts/routes.ts';
import { actorOfSession, SESSION_COOKIE } from './accounts/sessions.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { communityRoutes } from './communities/routes.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { setRequestState } from './http/context.ts';
import { errorHandler } from './http/errorHandler.ts';
import { inputGuard } from './http/inputGuard.ts';
import { NotFoundError } from './http/errors.ts';
import { strictTransportSecurity } from './http/transportSecurity.ts';
import type { Logger } from './log.ts';
import { placesRoutes } from './places/routes.ts';
import { metricsFor } from './system/metrics.ts';
import { metricsEndpoint } from './system/metricsRoute.ts';
import { systemRoutes } from './system/routes.ts';
import { clusterHealth } from './cluster/index.ts';


/** A live session's page (`/live/:sessionId`), as the client's entry recognises it (client/src/live/warmRoute.ts). */
const LIVE_SESSION_PAGE = /^\/live\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/?$/i;
export interface AppDeps {
  readonly config: Config;
  readonly database: Database;
  readonly media: WorkerPool | null;
  readonly log: Logger;
}

/** A feature adds its routes to the API router; features never see each other's tables. */
export type FeatureRoutes = (router: Router, deps: AppDeps) => void;

export const clientDist = fileURLToPath(new URL('../client/dist', import.meta.url));

/** Path segments that are secrets (calendar feed tokens) are replaced before logging. */
export const redactUrl = (url: string) => url.replace(/(\/api\/calendar-feeds\/)[^/?#.]+/g, '$1[redacted]');

export function createApp(deps: AppDeps, features: readonly FeatureRoutes[] = [], sessionWiring: SessionWiring = {}): Express {
  const { config, database, log } = deps;
  const db = database.db;
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For/-Proto only from the proxies TRUST_PROXY names: otherwise any client could claim HTTPS or another address.
  app.set('trust proxy', config.trustProxy);
  const metrics = metricsFor(deps);
  if (metrics) app.use(metrics.observeHttp());
  app.get('/metrics', metricsEndpoint(metrics, config.metricsToken));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // mediasoup-client talks to the signaling socket; media goes over WebRTC (not CSP-governed).
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:'],
          'upgrade-insecure-requests': null,
        },
      },
      strictTransportSecurity: false,
    }),
  );
  app.use(strictTransportSecurity(config));
  app.use(
    pinoHttp({
      logger: log,
      autoLogging: { ignore: (req) => req.url === '/api/health' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      // Calendar subscription URLs carry a secret token: it never reaches the logs.
      serializers: { req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }) },
    }),
  );
  app.use(express.json({ limit: '1mb' }));
  app.use(cookieParser());
  app.use('/api', inputGuard());

  // Who is calling: resolved once per request from the session cookie.
  app.use('/api', async (req, _res, next) => {
    const token: unknown = req.cookies?.[SESSION_COOKIE];
    const sessionToken = typeof token === 'string' && token.length > 0 && token.length < 200 ? token : null;
    const actor = sessionToken ? await actorOfSession(db, sessionToken) : null;
    setRequestState(req, { actor, sessionToken });
    next();
  });

  const router = Router();
  systemRoutes(router, database, deps.media, deps.media ? config.media.workers : 0, () => clusterHealth(deps));
  accountRoutes(router, db, config, sessionWiring);
  placesRoutes(router, db);
  communityRoutes(router, db);
  calendarRoutes(router, db);
  for (const feature of features) feature(router, deps);
  app.use(router);
  app.use('/api', (req, _res, next) => next(new NotFoundError(`${req.method} ${req.originalUrl}`)));

  if (config.serveClient && existsSync(path.join(clientDist, 'index.html'))) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }));
    // The client routes in the browser: every other GET gets the app shell — a live session's
    // page the shell with the live code preloaded (LIVE-WARM-START, client/vite.config.ts).
    const livePage = existsSync(path.join(clientDist, 'live.html')) ? 'live.html' : 'index.html';
    app.get('/{*rest}', (req, res) => res.sendFile(path.join(clientDist, LIVE_SESSION_PAGE.test(req.path) ? livePage : 'index.html')));
  }
  app.use(errorHandler(log));
  return app;
}
