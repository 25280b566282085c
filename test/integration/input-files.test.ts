import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { PNG, postCorrection, SHIYAN } from '../support/quotas.ts';
import { demoDirectory } from '../support/schedule.ts';

/** F-NAME-FOLLOWS-TYPE: what an uploaded evidence file is called follows what its bytes are. */
let platform: TestPlatform;
let coord: SignedInClient;

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  coord = await platform.signIn('coord.shiyan');
  // Seeding the demo county takes long on a busy machine.
}, 240_000);
afterAll(() => platform?.close());

describe('F-NAME-FOLLOWS-TYPE: uploaded evidence', () => {
  it('F-NAME-FOLLOWS-TYPE: evidence.html whose bytes are a PNG is stored and served as evidence.png', async () => {
    const dir = await demoDirectory(platform.database.db);
    const c = await postCorrection(platform, coord, dir.community(SHIYAN), {
      kind: 'sync_lesson', title: '停电期间的同步课', heldOn: '2026-10-09', subjectCode: 'chinese', mode: 'interactive', reason: '停电期间用其他工具授课', schoolIds: [dir.school('海盐县六里小学')],
    }, { bytes: PNG, type: 'image/png', name: 'evidence.html' });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const attachment = (c.body as { attachments: { id: string; fileName: string }[] }).attachments[0]!;
    expect(attachment.fileName).toBe('evidence.png');

    const res = await fetch(`${platform.url}/api/quota-corrections/${c.body.id}/attachments/${attachment.id}`, { headers: { cookie: coord.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''evidence.png`);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });
});
