import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';

const conf = readFileSync(new URL('../../deploy/nginx/tongbu.conf', import.meta.url), 'utf8');

/** Room for a multipart envelope around the largest file: boundaries, part headers, the other fields. */
const MULTIPART_ENVELOPE = 64 * 1024;

/** An nginx size (`11m`, `512k`, `1g`, bytes) in bytes. */
function nginxSize(value: string): number {
  const m = /^(\d+)([kmg]?)$/i.exec(value);
  if (!m) throw new Error(`not an nginx size: ${value}`);
  return Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
}

describe('deploy/nginx/tongbu.conf against the server', () => {
  it('D-NGINX-UPLOAD: client_max_body_size lets the largest upload of the endpoint table through, multipart envelope included', () => {
    const limits = [...conf.matchAll(/^[^#\n]*\bclient_max_body_size\s+(\S+?);/gm)].map((m) => ({ value: m[1]!, bytes: nginxSize(m[1]!) }));
    // Without the directive nginx refuses anything above 1 MiB with its own 413 page.
    expect(limits.length).toBeGreaterThan(0);
    const uploads = Object.entries(api).flatMap(([name, e]) => ('upload' in e && e.upload ? [{ name, maxBytes: e.upload.maxBytes }] : []));
    expect(uploads.length).toBeGreaterThan(0);
    const largest = Math.max(...uploads.map((u) => u.maxBytes));
    for (const limit of limits) expect(limit.bytes, `client_max_body_size ${limit.value} < ${largest} + envelope`).toBeGreaterThanOrEqual(largest + MULTIPART_ENVELOPE);
  });
});
