import { isIP } from 'node:net';

/** A DNS name (RFC 1123 labels); what MEDIA_ANNOUNCED_ADDRESS may be when it is not an IP. */
const hostName = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;

export const isIpOrHostName = (value: string) => isIP(value) !== 0 || hostName.test(value);

/** 127.0.0.0/8, ::1, or "localhost": only this machine can connect. */
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** 0.0.0.0 or :: — every interface of the machine. */
export const isUnspecified = (host: string) => host === '0.0.0.0' || host === '::';

const proxyKeyword = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: a number of proxy hops, or addresses/subnets/keywords of the proxies
 * (Express "trust proxy"). "0"/"false"/empty: trust nobody's X-Forwarded-* headers.
 * Returns undefined for anything else so the caller can name the setting.
 */
export function parseTrustProxy(value: string | undefined): false | number | string[] | undefined {
  const v = (value ?? '').trim();
  if (v === '' || v === '0' || v === 'false' || v === 'no') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v.split(',').map((s) => s.trim()).filter(Boolean);
  const valid = entries.every((e) => {
    if (proxyKeyword.has(e)) return true;
    const [ip, bits, ...rest] = e.split('/');
    if (rest.length > 0 || !ip || isIP(ip) === 0) return false;
    if (bits === undefined) return true;
    const max = isIP(ip) === 4 ? 32 : 128;
    return /^\d+$/.test(bits) && Number(bits) <= max;
  });
  return valid && entries.length > 0 ? entries : undefined;
}
