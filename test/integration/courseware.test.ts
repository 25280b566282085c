/**
 * Courseware over REST: real files (a PDF written by the test, a PPTX and a DOCX saved
 * by LibreOffice) converted by the real LibreOffice and pdftoppm into page images;
 * the upload's type and size limits, the conversion's time limit, and who may see what.
 * Rules CW-* in server/courseware/README.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { COURSEWARE_MAX_BYTES, type Courseware } from '../../shared/schemas/courseware.ts';
import { hashPassword } from '../../server/accounts/password.ts';
import { accounts, schools, teachers } from '../../server/db/schema/index.ts';
import { officeFiles, PPTX, slidesPdf, upload } from '../support/courseware.ts';
import { createLiveSession, tempDataDir } from '../support/live.ts';
import { DEMO_PASSWORD, startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let wang: SignedInClient;
let office: { pptx: Buffer; docx: Buffer };

/** A teacher of 向阳小学, a school of another community than the session's. */
async function foreignTeacherAccount(db: TestPlatform['database']['db']): Promise<void> {
  const [t] = await db.select({ id: teachers.id }).from(teachers).innerJoin(schools, eq(schools.id, teachers.schoolId)).where(eq(schools.name, '海盐县向阳小学')).limit(1);
  await db.insert(accounts).values({ username: 'teacher.xiangyang', displayName: '向阳小学教师', passwordHash: await hashPassword(DEMO_PASSWORD), role: 'teacher', teacherId: t!.id });
}

beforeAll(async () => {
  platform = await startTestPlatform({ env: { ...data.env }, beforeStart: foreignTeacherAccount });
  wang = await platform.signIn('teacher.wang');
  office = await officeFiles(['第一页 Page one', '第二页 Page two', '第三页 Page three']);
}, 180_000);
afterAll(async () => {
  await platform?.close();
  data.cleanup();
});

/** Processes whose command line names `text`. */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
    } catch {
      /* ended meanwhile */
    }
  }
  return found;
}

async function uploaded(user: SignedInClient, bytes: Buffer, name: string, type: string, sessionId?: string): Promise<Courseware> {
  const res = await user.call(api.uploadCourseware, { body: sessionId ? { sessionId } : {}, file: upload(bytes, name, type) });
  if (!res.ok) throw new Error(`upload of ${name}: ${res.status} ${res.error.message}`);
  expect(res.status).toBe(202);
  expect(res.data.status).toBe('converting');
  return res.data;
}

/** Waits for the conversion to end (ready or failed), as the teacher's page polls it. */
async function converted(user: SignedInClient, id: string): Promise<Courseware> {
  const res = await waitFor(`the conversion of ${id}`, () => user.call(api.getCourseware, { params: { coursewareId: id } }), (r) => !r.ok || r.data.status !== 'converting', 180_000, 250);
  if (!res.ok) throw new Error(res.error.message);
  return res.data;
}

describe('upload and conversion', () => {
  it('CW-CONVERT: a PDF becomes one PNG per page, 1920 pixels on its long side; the teacher lists it and reads its pages', async () => {
    const cw = await uploaded(wang, slidesPdf(['One', 'Two', 'Three']), '分数的认识.pdf', 'application/pdf');
    const ready = await converted(wang, cw.id);
    expect(ready).toMatchObject({ status: 'ready', error: null, pageCount: 3, fileName: '分数的认识.pdf' });
    expect(ready.pages).toEqual([1, 2, 3].map((pageNo) => ({ pageNo, width: 1920, height: 1080 })));
    const page = await wang.call(api.coursewarePage, { params: { coursewareId: cw.id, pageNo: 2 } });
    if (!page.ok) throw new Error(page.error.message);
    expect(page.data.type).toBe('image/png');
    expect([...new Uint8Array(await page.data.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const missing = await wang.call(api.coursewarePage, { params: { coursewareId: cw.id, pageNo: 4 } });
    expect(missing.status).toBe(404);
    const list = await wang.call(api.listCourseware);
    expect(list.ok && list.data.map((c) => c.id)).toContain(cw.id);
  });

  it('CW-CONVERT: a PowerPoint (.pptx) and a Word (.docx) file are converted by LibreOffice', async () => {
    const pptx = await converted(wang, (await uploaded(wang, office.pptx, '课件.pptx', PPTX)).id);
    expect(pptx).toMatchObject({ status: 'ready', pageCount: 3 });
    // Slides are landscape: 1920 wide.
    expect(pptx.pages.every((p) => p.width === 1920 && p.height < 1920)).toBe(true);
    // A WPS/unknown type from the browser is read by its ending.
    const docx = await converted(wang, (await uploaded(wang, office.docx, '讲义.docx', 'application/octet-stream')).id);
    expect(docx).toMatchObject({ status: 'ready', pageCount: 1 });
    // An A4 page is portrait: 1920 high.
    expect(docx.pages[0]).toMatchObject({ height: 1920 });
    expect(docx.pages[0]!.width).toBeLessThan(1920);
  }, 400_000);

  it('CW-CONVERT-PAGES: a document of more than 300 pages is refused after upload (too_many_pages)', async () => {
    const cw = await uploaded(wang, slidesPdf(Array.from({ length: 301 }, (_, i) => `p${i + 1}`)), 'long.pdf', 'application/pdf');
    expect(await converted(wang, cw.id)).toMatchObject({ status: 'failed', error: 'too_many_pages', pages: [] });
  });

  it('CW-UPLOAD-TYPES: an ending that is no courseware, or content that is not what its ending says, is a 400 naming the file', async () => {
    for (const [bytes, name] of [[Buffer.from('MZ...'), 'setup.exe'], [Buffer.from('just some text'), 'slides.pptx'], [Buffer.from('%PDF-1.4'), 'notes.docx']] as const) {
      const res = await wang.call(api.uploadCourseware, { body: {}, file: upload(bytes, name, 'application/octet-stream') });
      expect({ name, status: res.status, fields: res.ok ? null : res.error.fields?.map((f) => [f.field, f.code]) }).toEqual({ name, status: 400, fields: [['file', 'file_type']] });
    }
  });

  it('CW-UPLOAD: only teachers upload courseware (a classroom gets 403)', async () => {
    const ganpu = await platform.signIn('class.ganpu');
    const res = await ganpu.call(api.uploadCourseware, { body: {}, file: upload(slidesPdf(['x']), 'x.pdf', 'application/pdf') });
    expect(res.status).toBe(403);
  });

  it('CW-UPLOAD-LIMIT: a file larger than 50 MiB is a 413', async () => {
    const boundary = 'coursewareboundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const fill = COURSEWARE_MAX_BYTES + 1024 * 1024;
    const req = request(new URL(api.uploadCourseware.path, platform.url), {
      method: 'POST',
      headers: { cookie: wang.cookie, 'x-csrf-token': wang.me.csrfToken, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + fill + tail.length) },
    });
    const status = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
    });
    req.write(head);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let answered = false;
    void status.then(() => (answered = true), () => (answered = true));
    for (let sent = 0; sent < fill && !answered; sent += chunk.length) {
      if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
    }
    if (!answered) req.end(tail);
    expect(await status).toBe(413);
    req.destroy();
  });
});

describe('who may see courseware', () => {
  let sessionId: string;
  let cw: Courseware;
  let own: Courseware;
  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
    cw = await converted(wang, (await uploaded(wang, slidesPdf(['A', 'B']), 'lesson.pdf', 'application/pdf', sessionId)).id);
    own = await converted(wang, (await uploaded(wang, slidesPdf(['C']), 'later.pdf', 'application/pdf')).id);
  }, 120_000);

  it('CW-ACCESS: the session\'s classrooms, its community\'s coordinator and its county\'s auditor see courseware attached to it, and its pages', async () => {
    for (const username of ['class.ganpu', 'coord.shiyan', 'auditor.haiyan']) {
      const user = await platform.signIn(username);
      const list = await user.call(api.sessionCourseware, { params: { sessionId } });
      expect({ username, ids: list.ok ? list.data.map((c) => c.id) : list.status }).toEqual({ username, ids: [cw.id] });
      const page = await user.call(api.coursewarePage, { params: { coursewareId: cw.id, pageNo: 1 } });
      expect({ username, status: page.status }).toEqual({ username, status: 200 });
      // The teacher's other courseware is not theirs to see.
      expect({ username, status: (await user.call(api.getCourseware, { params: { coursewareId: own.id } })).status }).toEqual({ username, status: 404 });
    }
  });

  it('CW-ACCESS: another community\'s teacher, and a teacher outside the session, get 404 for the courseware, its pages and the session\'s list', async () => {
    for (const username of ['teacher.xiangyang', 'teacher.li']) {
      const user = await platform.signIn(username);
      const statuses = [
        (await user.call(api.getCourseware, { params: { coursewareId: cw.id } })).status,
        (await user.call(api.coursewarePage, { params: { coursewareId: cw.id, pageNo: 1 } })).status,
        (await user.call(api.sessionCourseware, { params: { sessionId } })).status,
        (await user.call(api.boardTimeline, { params: { sessionId } })).status,
      ];
      expect({ username, statuses }).toEqual({ username, statuses: [404, 404, 404, 404] });
      const theirs = await user.call(api.listCourseware);
      expect(theirs.ok && theirs.data.some((c) => c.id === cw.id)).toBe(false);
    }
  });

  it('CW-ATTACH: the host attaches courseware of their own (reused from their library); nobody attaches someone else\'s', async () => {
    const attached = await wang.call(api.attachCourseware, { params: { sessionId }, body: { coursewareId: own.id } });
    expect(attached.status).toBe(201);
    const list = await wang.call(api.sessionCourseware, { params: { sessionId } });
    expect(list.ok && list.data.map((c) => c.id)).toEqual([cw.id, own.id]);
    const foreign = await platform.signIn('teacher.xiangyang');
    const theirs = await converted(foreign, (await uploaded(foreign, slidesPdf(['X']), 'x.pdf', 'application/pdf')).id);
    expect((await wang.call(api.attachCourseware, { params: { sessionId }, body: { coursewareId: theirs.id } })).status).toBe(404);
    expect((await foreign.call(api.attachCourseware, { params: { sessionId }, body: { coursewareId: theirs.id } })).status).toBe(404);
  });
});

describe('the conversion time limit', () => {
  let short: TestPlatform;
  const shortData = tempDataDir();
  beforeAll(async () => {
    short = await startTestPlatform({ env: { ...shortData.env, COURSEWARE_CONVERT_TIMEOUT_SECONDS: '0.3' } });
  }, 120_000);
  afterAll(async () => {
    await short?.close();
    shortData.cleanup();
  });

  it('CW-CONVERT-TIME: a conversion past the limit is killed, LibreOffice and all, and the courseware says conversion_timeout', async () => {
    const teacher = await short.signIn('teacher.wang');
    // LibreOffice alone needs seconds to start: 0.3 s is never enough.
    const slow = await uploaded(teacher, office.pptx, '课件.pptx', PPTX);
    expect(await converted(teacher, slow.id)).toMatchObject({ status: 'failed', error: 'conversion_timeout', pages: [] });
    // Every process of the conversion (oosplash, soffice.bin) named the upload's path, under the courseware's id.
    expect(processesNaming(slow.id)).toEqual([]);
  }, 200_000);
});
