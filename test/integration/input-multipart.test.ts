import { randomUUID } from 'node:crypto';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { fillPath } from '../../shared/http/endpoint.ts';
import { hashPassword } from '../../server/accounts/password.ts';
import { accounts } from '../../server/db/schema/index.ts';
import { DEMO_PASSWORD, startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';

/**
 * Multipart uploads (up to 10 MiB): the session and CSRF token are checked before the body
 * is read, so a refused upload is answered while its body is still arriving; and a client
 * that gives up mid-upload leaves one quiet log line (ClientGoneError), no logged error.
 */
let platform: TestPlatform;
let admin: SignedInClient;
const logLines: { level: number; msg: string }[] = [];

beforeAll(async () => {
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as { level: number; msg: string }) });
  platform = await startTestPlatform({
    seed: false,
    log,
    beforeStart: async (db) => void (await db.insert(accounts).values({ username: 'admin', displayName: '系统管理员', passwordHash: await hashPassword(DEMO_PASSWORD), role: 'admin' })),
  });
  admin = await platform.signIn('admin');
});
afterAll(() => platform?.close());

const BOUNDARY = 'uploadboundary';
const DECLARED = 10 * 1024 * 1024;

/** Starts an upload announcing 10 MiB and sends only its first 64 KiB: the body is never complete. */
function startUpload(headers: Record<string, string>): { req: ClientRequest; response: Promise<IncomingMessage>; sent: Promise<void> } {
  const url = new URL(fillPath(api.uploadOfflineAttachment.path, { id: randomUUID() }), platform.url);
  const req = request(url, { method: 'POST', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(DECLARED) } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  req.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`);
  const sent = new Promise<void>((resolve) => req.write(Buffer.alloc(64 * 1024, 0x41), () => resolve()));
  return { req, response, sent };
}

async function answerBeforeBody(headers: Record<string, string>): Promise<{ status: number; code: string }> {
  const { req, response } = startUpload(headers);
  try {
    const res = await response;
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return { status: res.statusCode!, code: (JSON.parse(Buffer.concat(chunks).toString()) as { error: { code: string } }).error.code };
  } finally {
    req.destroy();
  }
}

describe('multipart uploads: check first, then read', () => {
  it('I-UPLOAD-CHECK-FIRST: an anonymous upload is refused (401) while its body is still arriving', async () => {
    expect(await answerBeforeBody({})).toEqual({ status: 401, code: 'unauthenticated' });
  });

  it('I-UPLOAD-CHECK-FIRST: an upload without the CSRF token is refused (403) while its body is still arriving', async () => {
    expect(await answerBeforeBody({ cookie: admin.cookie })).toEqual({ status: 403, code: 'forbidden' });
  });

  it('I-INPUT-SHAPE: a client aborting its upload leaves a quiet ClientGoneError line, no logged error', async () => {
    const before = logLines.length;
    const { req, response, sent } = startUpload({ cookie: admin.cookie, 'x-csrf-token': admin.me.csrfToken });
    response.catch(() => undefined);
    // Part of the file is on its way; then the client goes away.
    await sent;
    req.destroy();
    await vi.waitFor(() => expect(logLines.slice(before).some((l) => l.msg.startsWith('ClientGoneError'))).toBe(true), { timeout: 60_000, interval: 50 });
    // The request log line of the aborted request follows; neither may be an error.
    await vi.waitFor(() => expect(logLines.slice(before).some((l) => l.msg === 'request aborted' || l.msg === 'request completed')).toBe(true), { timeout: 60_000, interval: 50 });
    expect(logLines.slice(before).filter((l) => l.level >= 50)).toEqual([]);
    // And the server carries on.
    expect((await admin.call(api.me)).ok).toBe(true);
  });
});
