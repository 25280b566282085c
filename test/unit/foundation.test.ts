import { describe, expect, it } from 'vitest';
import { fillPath } from '../../shared/http/endpoint.ts';
import { AcademicYearInput, defaultAcademicYearOf } from '../../shared/schemas/calendar.ts';
import { CommunityCreate } from '../../shared/schemas/communities.ts';
import { loadConfig } from '../../server/config.ts';
import { communityAccess } from '../../server/accounts/scope.ts';
import type { Actor } from '../../server/accounts/actor.ts';
import { pgErrorOf } from '../../server/http/errors.ts';
import { redactUrl } from '../../server/app.ts';

describe('configuration', () => {
  it('runs on embedded PGlite under DATA_DIR when no DATABASE_URL is given', () => {
    const c = loadConfig({ DATA_DIR: '/tmp/x' });
    expect(c.database).toEqual({ kind: 'pglite', dir: '/tmp/x/pglite' });
    expect(c.port).toBe(3000);
    expect(c.seedDemo).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
  });

  it('rejects bad values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
  });

  it('makes cookies Secure in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).session.cookieSecure).toBe(true);
    expect(loadConfig({}).session.cookieSecure).toBe(false);
  });

  it('hands TURN servers to clients from the environment', () => {
    const c = loadConfig({ ICE_SERVER_URLS: 'turn:a:3478, turn:b:3478?transport=tcp', ICE_SERVER_USERNAME: 'u', ICE_SERVER_CREDENTIAL: 'p' });
    expect(c.media.iceServers).toEqual([{ urls: ['turn:a:3478', 'turn:b:3478?transport=tcp'], username: 'u', credential: 'p' }]);
  });
});

describe('academic years', () => {
  it.each([
    ['2026-09-01', '2026-2027'],
    ['2026-08-31', '2025-2026'],
    ['2027-01-15', '2026-2027'],
  ])('%s falls in the default academic year %s (1 Sept – 31 Aug)', (day, label) => {
    expect(defaultAcademicYearOf(day).label).toBe(label);
  });

  it('refuses terms and holidays outside the year, naming them', () => {
    const r = AcademicYearInput.safeParse({
      label: '2026-2027',
      startsOn: '2026-09-01',
      endsOn: '2027-08-31',
      terms: [{ name: '秋季', startsOn: '2026-08-20', endsOn: '2027-01-20' }],
      holidays: [{ name: '国庆', startsOn: '2027-10-01', endsOn: '2027-10-07' }],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['holidays.0', 'terms.0']);
  });
});

describe('community input', () => {
  const base = { countyId: crypto.randomUUID(), name: '教共体', typeCode: 'co_built', validFrom: '2026-09-01' };
  it('needs at least one member school, distinct from the core', () => {
    const core = crypto.randomUUID();
    expect(CommunityCreate.safeParse({ ...base, coreSchoolId: core, memberSchoolIds: [] }).success).toBe(false);
    const same = CommunityCreate.safeParse({ ...base, coreSchoolId: core, memberSchoolIds: [core] });
    expect(same.error?.issues[0]?.message).toMatch(/core school/);
    expect(CommunityCreate.safeParse({ ...base, coreSchoolId: core, memberSchoolIds: [crypto.randomUUID()] }).success).toBe(true);
  });
});

describe('community access', () => {
  const actor = (over: Partial<Actor>): Actor =>
    ({ accountId: 'a', username: 'u', displayName: 'd', role: 'teacher', locale: 'zh-CN', audit: null, teacherId: null, classroomId: null, schoolId: null, communityIds: [], csrfToken: '', sessionExpiresAt: new Date(), ...over }) as Actor;
  const community = { id: 'c1', countyId: 'k1' };

  it('gives coordinators manage on their communities and nothing elsewhere', () => {
    expect(communityAccess(actor({ role: 'coordinator', communityIds: ['c1'] }), community)).toBe('manage');
    expect(communityAccess(actor({ role: 'coordinator', communityIds: ['c2'] }), community)).toBe('none');
  });
  const region = (level: 'county' | 'city', countyIds: string[]) => ({ level, countyId: level === 'county' ? countyIds[0]! : null, city: level === 'city' ? '嘉兴市' : null, province: level === 'city' ? '浙江省' : null, countyIds });
  it('C-AUDIT-REGION: gives auditors read on the counties of their region only', () => {
    expect(communityAccess(actor({ role: 'auditor', audit: region('county', ['k1']) }), community)).toBe('read');
    expect(communityAccess(actor({ role: 'auditor', audit: region('county', ['k2']) }), community)).toBe('none');
    expect(communityAccess(actor({ role: 'auditor', audit: region('city', ['k2', 'k1']) }), community)).toBe('read');
    expect(communityAccess(actor({ role: 'auditor', audit: region('city', ['k2', 'k3']) }), community)).toBe('none');
  });
  it('gives teachers and classrooms read on their school\'s communities', () => {
    expect(communityAccess(actor({ role: 'classroom', communityIds: ['c1'] }), community)).toBe('read');
    expect(communityAccess(actor({ role: 'teacher', communityIds: [] }), community)).toBe('none');
  });
});

describe('helpers', () => {
  it('fills and encodes path parameters, refusing missing ones', () => {
    expect(fillPath('/api/x/:id/y/:name', { id: 'a b', name: '教室/1' })).toBe('/api/x/a%20b/y/%E6%95%99%E5%AE%A4%2F1');
    expect(() => fillPath('/api/x/:id', {})).toThrow(/id/);
  });

  it('finds the PostgreSQL error inside the wrappers', () => {
    const wrapped = new Error('Failed query', { cause: Object.assign(new Error('conflicting key'), { code: '23P01', constraint: 'memberships_school_no_overlap' }) });
    expect(pgErrorOf(wrapped)).toEqual({ code: '23P01', constraint: 'memberships_school_no_overlap' });
    expect(pgErrorOf(new Error('plain'))).toBeUndefined();
    expect(pgErrorOf(Object.assign(new Error('sys'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });

  it('keeps calendar subscription tokens out of the request log', () => {
    expect(redactUrl('/api/calendar-feeds/abcDEF123_-x.ics?x=1')).toBe('/api/calendar-feeds/[redacted].ics?x=1');
    expect(redactUrl('/api/sessions/42')).toBe('/api/sessions/42');
  });
});
