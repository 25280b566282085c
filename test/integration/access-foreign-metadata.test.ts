import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { QUOTA_PROGRESS_EVENT, type QuotaProgressEvent } from '../../shared/schemas/quotas.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { endSession, lesson, plan, settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';

/**
 * R-RULES-SCOPE: another county's quota metadata (its rule resolution, its region's rule sets and
 * their audit trail) is not readable from outside it. R-QUOTA-AUDIENCE: live quota progress reaches
 * only the sockets whose actor may read that community's quotas over REST.
 */
let platform: TestPlatform;
let dir: DemoDirectory;
let admin: SignedInClient;
const users: Record<'coordinator' | 'teacher' | 'auditor' | 'classroom', SignedInClient> = {} as never;
const ids = { foreignCounty: '', ownCounty: '' };
const YEAR = '2026-2027';
const MISSING = '00000000-0000-4000-8000-000000000000';
const foreignRegions = ['county:zj-hz-chunan', 'city:杭州市'];

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; status: number; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected success, got ${r.status} ${r.error.message}`);
  return r.data;
}

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  dir = await demoDirectory(platform.database.db);
  admin = await platform.signIn('admin');
  users.coordinator = await platform.signIn('coord.shiyan');
  users.teacher = await platform.signIn('teacher.wang');
  users.auditor = await platform.signIn('auditor.haiyan');
  users.classroom = await platform.signIn('class.ganpu');
  ids.ownCounty = users.auditor.me.account.countyId!;
  const county = await ok(admin.call(api.createCounty, { body: { code: 'zj-hz-chunan', name: '淳安县', city: '杭州市', province: '浙江省' } }));
  ids.foreignCounty = county.id;
  for (const region of [...foreignRegions, 'county:zj-jx-haiyan']) {
    await ok(admin.call(api.createQuotaRuleSet, { body: { region, academicYear: YEAR, note: `rules of ${region}` } }));
  }
});
afterAll(() => platform?.close());

describe('R-RULES-SCOPE: rule metadata of another region', () => {
  it('R-RULES-SCOPE: resolving a foreign county is a 404 for coordinators, teachers and auditors, identical to a county that does not exist', async () => {
    for (const [role, user] of Object.entries(users)) {
      const foreign = await user.call(api.resolveQuotaRuleSet, { query: { countyId: ids.foreignCounty, academicYear: YEAR } });
      const missing = await user.call(api.resolveQuotaRuleSet, { query: { countyId: MISSING, academicYear: YEAR } });
      expect({ role, status: foreign.status }).toEqual({ role, status: role === 'classroom' ? 403 : 404 });
      expect({ role, body: foreign.ok ? null : foreign.error }).toEqual({ role, body: missing.ok ? null : missing.error });
    }
  });

  it('R-RULES-SCOPE: their own county still resolves, and an administrator resolves any county', async () => {
    for (const user of [users.coordinator, users.teacher, users.auditor]) {
      const own = await ok(user.call(api.resolveQuotaRuleSet, { query: { countyId: ids.ownCounty, academicYear: YEAR } }));
      expect(own.ruleSet?.region).toBe('county:zj-jx-haiyan');
    }
    const foreign = await ok(admin.call(api.resolveQuotaRuleSet, { query: { countyId: ids.foreignCounty, academicYear: YEAR } }));
    expect(foreign.ruleSet?.region).toBe('county:zj-hz-chunan');
  });

  it("R-RULES-SCOPE: the rule-set list shows the caller's regions only", async () => {
    for (const user of [users.coordinator, users.teacher, users.auditor]) {
      const regions = new Set((await ok(user.call(api.listQuotaRuleSets, { query: {} }))).map((r) => r.region));
      for (const r of foreignRegions) expect(regions.has(r)).toBe(false);
      expect(regions.has('county:zj-jx-haiyan')).toBe(true);
      expect(regions.has('default')).toBe(true);
      const asked = await ok(user.call(api.listQuotaRuleSets, { query: { region: 'city:杭州市' } }));
      expect(asked).toEqual([]);
    }
    const all = new Set((await ok(admin.call(api.listQuotaRuleSets, { query: {} }))).map((r) => r.region));
    for (const r of foreignRegions) expect(all.has(r)).toBe(true);
  });

  it("R-RULES-SCOPE: an auditor's audit trail shows their regions' rule changes, not another region's", async () => {
    const regionOf = (e: { before: Record<string, unknown> | null; after: Record<string, unknown> | null }) => (e.after?.['region'] ?? e.before?.['region']) as string;
    const seen = (await ok(users.auditor.call(api.auditLog, { query: { table: 'quota_rule_sets' } }))).entries.map(regionOf);
    expect(seen).toContain('county:zj-jx-haiyan');
    for (const r of foreignRegions) expect(seen).not.toContain(r);
    const everything = (await ok(admin.call(api.auditLog, { query: { table: 'quota_rule_sets' } }))).entries.map(regionOf);
    for (const r of foreignRegions) expect(everything).toContain(r);
  });
});

describe('R-QUOTA-AUDIENCE: live quota progress', () => {
  const sockets: Socket[] = [];
  afterAll(() => sockets.forEach((s) => s.disconnect()));

  async function listen(user: SignedInClient) {
    const socket = connect(platform.url, { transports: ['websocket'], extraHeaders: { cookie: user.cookie }, reconnection: false });
    sockets.push(socket);
    const heard: QuotaProgressEvent[] = [];
    socket.on(QUOTA_PROGRESS_EVENT, (e: QuotaProgressEvent) => heard.push(e));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, heard };
  }

  it('R-QUOTA-AUDIENCE: a classroom terminal never receives quotas:progress; the coordinator and a teacher of the community do', async () => {
    await settled(platform);
    const [coordinator, teacher, classroom] = await Promise.all([listen(users.coordinator), listen(users.teacher), listen(users.classroom)]);
    // REST refuses the terminal quota data: the socket must not carry it either.
    expect(await users.classroom.call(api.quotaOverview, { query: {} })).toMatchObject({ ok: false });
    const community = dir.community(SHIYAN);
    const [id] = await plan(users.coordinator, lesson(dir, '2026-11-16', { time: '10:00' }));
    await endSession(platform.database.db, id!, 'delivered');
    const deadline = Date.now() + 60_000;
    const reached = () => [coordinator, teacher].every((l) => l.heard.some((e) => e.progress.communityId === community));
    while (!reached() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(reached()).toBe(true);
    await settled(platform);
    // The same emit went to every room at once; the terminal's socket is connected and heard nothing.
    await new Promise((r) => setTimeout(r, 300));
    expect(classroom.socket.connected).toBe(true);
    expect(classroom.heard).toEqual([]);
  });
});
