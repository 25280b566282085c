import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { NotFoundError, UnauthenticatedError } from '../http/errors.ts';
import type { PlatformMetrics } from './metrics.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `GET /metrics` for Prometheus, behind `Authorization: Bearer METRICS_TOKEN`.
 * Without a configured token the endpoint does not exist (404). The token is
 * compared through fixed-length digests in constant time.
 */
export function metricsEndpoint(metrics: PlatformMetrics | null, token: string | undefined): RequestHandler {
  const expected = token ? digest(token) : null;
  return async (req, res, next) => {
    if (!expected || !metrics) return next(new NotFoundError(`${req.method} ${req.path}`));
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      return next(new UnauthenticatedError('Metrics need the bearer token METRICS_TOKEN'));
    }
    try {
      const body = await metrics.registry.metrics();
      res.set('Content-Type', metrics.registry.contentType).set('Cache-Control', 'no-store').send(body);
    } catch (err) {
      next(err);
    }
  };
}
