import type { Request, RequestHandler } from 'express';
import type { Config } from '../config.ts';

const hsts = 'max-age=31536000; includeSubDomains';

/**
 * Was this request made over HTTPS — directly (TLS_CERT_FILE) or through a proxy
 * we trust (TRUST_PROXY, X-Forwarded-Proto)? COOKIE_SECURE forces it for setups
 * that terminate TLS somewhere we cannot see.
 */
export const overHttps = (req: Request, config: Config) => req.secure || config.session.cookieSecure;

/** HSTS on responses served over HTTPS; plain HTTP on loopback (the demo) is left as it is. */
export function strictTransportSecurity(config: Config): RequestHandler {
  return (req, res, next) => {
    if (overHttps(req, config)) res.setHeader('Strict-Transport-Security', hsts);
    next();
  };
}
