import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { ConfigError } from '../../server/system/ConfigError.ts';
import { ExposureRule, exposureWarnings } from '../../server/system/exposure.ts';
import { loadTls } from '../../server/system/tls.ts';
import { throwawayCert } from '../support/tlsCert.ts';

const refusal = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('deployment settings', () => {
  it('HTTPS needs both the certificate and the key', () => {
    expect(loadConfig({}).tls).toBeNull();
    expect(refusal(() => loadConfig({ TLS_CERT_FILE: '/etc/tongbu/cert.pem' })).setting).toBe('TLS_KEY_FILE');
    expect(refusal(() => loadConfig({ TLS_KEY_FILE: '/etc/tongbu/key.pem' })).setting).toBe('TLS_CERT_FILE');
    expect(loadConfig({ TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem' }).tls).toEqual({ certFile: path.resolve('c.pem'), keyFile: path.resolve('k.pem') });
  });

  it('trusts no proxy unless TRUST_PROXY names one', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.20.0.0/16, 198.18.0.1' }).trustProxy).toEqual(['loopback', '10.20.0.0/16', '198.18.0.1']);
    const bad = refusal(() => loadConfig({ TRUST_PROXY: 'everyone' }));
    expect(bad.setting).toBe('TRUST_PROXY');
    expect(refusal(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).setting).toBe('TRUST_PROXY');
  });

  it('refuses an announced address that is neither an IP nor a name, and a media listen address that is not an IP', () => {
    expect(loadConfig({ MEDIA_ANNOUNCED_ADDRESS: 'tongbu.haiyan.edu.cn' }).media.announcedAddress).toBe('tongbu.haiyan.edu.cn');
    expect(loadConfig({ MEDIA_ANNOUNCED_ADDRESS: '203.0.113.7' }).media.announcedAddress).toBe('203.0.113.7');
    const bad = refusal(() => loadConfig({ MEDIA_ANNOUNCED_ADDRESS: 'http://tongbu/ x' }));
    expect(bad.setting).toBe('MEDIA_ANNOUNCED_ADDRESS');
    expect(bad.message).not.toContain('\n');
    expect(refusal(() => loadConfig({ MEDIA_LISTEN_IP: 'eth0' })).setting).toBe('MEDIA_LISTEN_IP');
    expect(refusal(() => loadConfig({ HOST: 'not a host' })).setting).toBe('HOST');
  });
});

describe('start-up warnings about exposure', () => {
  const rules = (env: Record<string, string>) => exposureWarnings(loadConfig({ MEDIA_WORKERS: '1', ...env })).map((w) => w.rule);

  it('D-EXPOSURE-*: the loopback demo gets no warning', () => {
    expect(rules({})).toEqual([]);
  });

  it('D-EXPOSURE-PLAIN-HTTP and D-EXPOSURE-MEDIA-LOOPBACK: HOST=0.0.0.0 with plain HTTP and loopback media', () => {
    expect(rules({ HOST: '0.0.0.0' })).toEqual([ExposureRule.plainHttp, ExposureRule.mediaLoopback]);
  });

  it('D-EXPOSURE-ANNOUNCED-UNSET: media on every interface without an announced address', () => {
    expect(rules({ HOST: '0.0.0.0', TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k', MEDIA_LISTEN_IP: '0.0.0.0' })).toEqual([ExposureRule.announcedUnset]);
  });

  it('D-EXPOSURE-*: a county server behind a trusted TLS proxy with an announced address is quiet', () => {
    expect(rules({ HOST: '0.0.0.0', TRUST_PROXY: 'loopback', MEDIA_LISTEN_IP: '0.0.0.0', MEDIA_ANNOUNCED_ADDRESS: '203.0.113.7' })).toEqual([]);
    expect(rules({ HOST: '0.0.0.0', TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k', MEDIA_LISTEN_IP: '198.18.0.2' })).toEqual([]);
  });
});

describe('D-REFUSE-SETTING: certificate checks before listening', () => {
  const cert = throwawayCert();
  afterAll(() => cert.remove());

  it('accepts a matching certificate and key', () => {
    const tls = loadTls({ certFile: cert.certFile, keyFile: cert.keyFile })!;
    expect(tls.subject).toContain('localhost');
    expect(tls.validTo.getTime()).toBeGreaterThan(Date.now());
  });

  it('names the setting of a missing or unreadable file', () => {
    const missing = refusal(() => loadTls({ certFile: path.join(cert.dir, 'nope.pem'), keyFile: cert.keyFile }));
    expect(missing.setting).toBe('TLS_CERT_FILE');
    expect(missing.message).toMatch(/ENOENT/);
    expect(refusal(() => loadTls({ certFile: cert.certFile, keyFile: cert.dir })).setting).toBe('TLS_KEY_FILE');
  });

  it('refuses a file that is not PEM, and a key that does not match the certificate', () => {
    const junk = path.join(cert.dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    expect(refusal(() => loadTls({ certFile: junk, keyFile: cert.keyFile })).setting).toBe('TLS_CERT_FILE');
    expect(refusal(() => loadTls({ certFile: cert.certFile, keyFile: junk })).setting).toBe('TLS_KEY_FILE');
    const mismatch = refusal(() => loadTls({ certFile: cert.certFile, keyFile: cert.otherKeyFile }));
    expect(mismatch.setting).toBe('TLS_KEY_FILE');
    expect(mismatch.message).toMatch(/does not match/);
  });
});
