import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { iceServersFor, turnRestCredentials } from '../../server/live/ice.ts';

describe('ICE servers for clients', () => {
  it('none configured: none handed out', () => {
    expect(iceServersFor(loadConfig({}), 'acc')).toEqual([]);
  });

  it('static credentials from ICE_SERVER_URLS / _USERNAME / _CREDENTIAL', () => {
    const config = loadConfig({ ICE_SERVER_URLS: 'turn:turn.example.cn:3478?transport=udp, turn:turn.example.cn:3478?transport=tcp', ICE_SERVER_USERNAME: 'u', ICE_SERVER_CREDENTIAL: 'p' });
    expect(iceServersFor(config, 'acc')).toEqual([{ urls: ['turn:turn.example.cn:3478?transport=udp', 'turn:turn.example.cn:3478?transport=tcp'], username: 'u', credential: 'p' }]);
  });

  it('ICE_SERVER_SECRET: short-lived TURN REST credentials per account (coturn use-auth-secret)', () => {
    const config = loadConfig({ ICE_SERVER_URLS: 'turn:turn.example.cn:3478', ICE_SERVER_SECRET: 'shared-secret', ICE_CREDENTIAL_TTL_SECONDS: '3600' });
    const now = Date.UTC(2026, 10, 23, 8, 0, 0);
    const [server] = iceServersFor(config, 'acc-1', now);
    expect(server!.username).toBe(`${now / 1000 + 3600}:acc-1`);
    expect(server!.credential).toBe(createHmac('sha1', 'shared-secret').update(server!.username!).digest('base64'));
    expect(turnRestCredentials('shared-secret', 'acc-1', 3600, now)).toEqual({ username: server!.username, credential: server!.credential });
  });
});
