import { createHmac } from 'node:crypto';
import type { IceServer } from '../../shared/schemas/live.ts';
import type { Config } from '../config.ts';

/**
 * The STUN/TURN servers a participant gets (ICE_SERVER_URLS…). With
 * ICE_SERVER_SECRET the credentials follow the TURN REST API that coturn
 * checks with `use-auth-secret`: username `<expiry unix time>:<account id>`,
 * password base64(HMAC-SHA1(secret, username)) — each participant's own, and
 * useless after it expires. Otherwise the static username/credential.
 */
export function iceServersFor(config: Config, accountId: string, now = Date.now()): IceServer[] {
  const servers = config.media.iceServers;
  if (servers.length === 0) return [];
  const secret = config.live.iceSecret;
  if (!secret) return servers.map((s) => ({ urls: s.urls, ...(s.username ? { username: s.username } : {}), ...(s.credential ? { credential: s.credential } : {}) }));
  const { username, credential } = turnRestCredentials(secret, accountId, config.live.iceCredentialTtlSeconds, now);
  return servers.map((s) => ({ urls: s.urls, username, credential }));
}

export function turnRestCredentials(secret: string, accountId: string, ttlSeconds: number, now = Date.now()): { username: string; credential: string } {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${accountId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}
