/**
 * `npm run bench -- roster`: a county onboarded from one roster workbook — 40 schools, 800
 * classrooms (20 per school), 4,000 teachers (100 per school) and their 4,000 accounts, and a
 * 资源指标 row per school (the year's figures) — on
 * PostgreSQL (TEST_DATABASE_URL or the machine's, a database of its own, dropped after) and on
 * PGlite. Sizes: ROSTER_BENCH_SCHOOLS (default 40; `--quick`: 4).
 *
 * Measured, per engine, through the import service (server/roster/service.ts, as the endpoint
 * calls it; the XLSX read and planned-change listing included):
 * - dry run on an empty county (every row a creation);
 * - commit of that dry run (plans again inside the transaction, checks the fingerprint, writes
 *   every row with the audit trail's triggers, issues the one-time sign-in codes);
 * - re-import dry run of the same file (every row unchanged);
 * - baseline in the same run: the same rows into another county with plain multi-row INSERTs
 *   (500 rows each, one transaction, triggers on), no reading, no checking, no codes;
 * - what argon2 would have cost: one password hash (server/accounts/password.ts) timed on a
 *   sample and multiplied by the accounts (the strategy not taken, C-ROSTER-CREDENTIALS).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { BenchContext } from './run.ts';
import { onEngines } from './engines.ts';
import { rosterXlsx, type RosterRows } from '../test/support/roster.ts';
import type { Actor } from '../server/accounts/actor.ts';
import { hashPassword } from '../server/accounts/password.ts';
import type { Database, Db } from '../server/db/client.ts';
import { academicYears, accounts, classrooms, counties, schoolResources, schools, teachers } from '../server/db/schema/index.ts';
import { importRoster } from '../server/roster/service.ts';
import { rowsOf } from '../server/schedule/sqlRows.ts';

const ROOMS = 20;
const TEACHERS = 100;
/** The academic year of the 资源指标 rows (set up by `measure`: a migrated database has none). */
const YEAR = '2026-2027';
const SUBJECTS = ['语文', '数学', '英语', '科学', '音乐', '美术', '体育与健康', '道德与法治'];

function roster(n: number): RosterRows {
  const code = (i: number) => `3399${String(i).padStart(6, '0')}`;
  const out: Required<RosterRows> = { schools: [], classrooms: [], teachers: [], accounts: [], resources: [] };
  for (let s = 0; s < n; s++) {
    out.schools.push({ 学校标识码: code(s), 学校名称: `基准县第${s + 1}学校`, 学段: s % 3 === 0 ? '初中' : '小学', 城乡: s % 2 ? '乡村' : '城区', 新居民子女学校: s % 10 === 9 ? '是' : '否' });
    out.resources.push({ 学校标识码: code(s), 学年: YEAR, 在校生数: String(800 + s), 高于规定学历教师数: '40', '教学及辅助用房面积（平方米）': '4500.5', '体育运动场馆面积（平方米）': '7600', '教学仪器设备值（元）': '1800000' });
    for (let c = 0; c < ROOMS; c++) out.classrooms.push({ 学校标识码: code(s), 教室名称: `${Math.floor(c / 4) + 1}年级(${(c % 4) + 1})班`, 接入终端: c % 2 ? '是' : '否', 容纳人数: '45' });
    for (let t = 0; t < TEACHERS; t++) {
      const staff = `B${String(s * TEACHERS + t).padStart(6, '0')}`;
      out.teachers.push({ 工号: staff, 姓名: `教师${s + 1}-${t + 1}`, 学校标识码: code(s), 任教学科: `${SUBJECTS[t % 8]};${SUBJECTS[(t + 3) % 8]}`, 骨干级别: t % 10 === 0 ? '县级' : '', 学历: t % 4 ? '本科' : '硕士' });
      out.accounts.push({ 用户名: `t.${staff.toLowerCase()}`, 角色: '教师', 教师工号: staff });
    }
  }
  return out;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Math.round(ms(t0)), value };
}

/** The same rows as plain multi-row INSERTs (no reading, no checks, no codes) into a fresh county. */
async function baseline(db: Db, rows: Required<RosterRows>): Promise<number> {
  const [county] = await db.insert(counties).values({ code: `base-${randomBytes(3).toString('hex')}`, name: '基线县', city: '基准市', province: '浙江省' }).returning();
  const t0 = process.hrtime.bigint();
  await db.transaction(async (tx) => {
    const chunks = async <T>(list: T[], insert: (c: T[]) => Promise<unknown>) => {
      for (let i = 0; i < list.length; i += 500) await insert(list.slice(i, i + 500));
    };
    const schoolIds = new Map<string, string>();
    await chunks(rows.schools, (c) =>
      tx.insert(schools).values(c.map((s) => {
        const id = randomUUID();
        schoolIds.set(s['学校标识码']!, id);
        return { id, countyId: county!.id, code: `8${s['学校标识码']!.slice(1)}`, name: s['学校名称']!, stage: 'primary', locality: 'urban' };
      })),
    );
    await chunks(rows.resources, (c) =>
      tx.insert(schoolResources).values(c.map((r) => ({
        schoolId: schoolIds.get(r['学校标识码']!)!, academicYear: r['学年']!, pupils: Number(r['在校生数']), teachersAboveQualification: Number(r['高于规定学历教师数']),
        teachingFloorArea: Number(r['教学及辅助用房面积（平方米）']), sportsGroundArea: Number(r['体育运动场馆面积（平方米）']), equipmentValue: Number(r['教学仪器设备值（元）']),
      }))),
    );
    await chunks(rows.classrooms, (c) => tx.insert(classrooms).values(c.map((r) => ({ schoolId: schoolIds.get(r['学校标识码']!)!, name: r['教室名称']!, hasJoinTerminal: true, capacity: 45 }))));
    const teacherIds = new Map<string, string>();
    await chunks(rows.teachers, (c) =>
      tx.insert(teachers).values(c.map((t) => {
        const id = randomUUID();
        teacherIds.set(t['工号']!, id);
        return { id, schoolId: schoolIds.get(t['学校标识码']!)!, name: t['姓名']!, staffNo: `X${t['工号']!}` };
      })),
    );
    await chunks(rows.accounts, (c) => tx.insert(accounts).values(c.map((a) => ({ username: `x${a['用户名']!}`, displayName: a['用户名']!, passwordHash: '!', role: 'teacher', teacherId: teacherIds.get(a['教师工号']!)! }))));
  });
  return Math.round(ms(t0));
}

async function measure(ctx: BenchContext, database: Database, n: number) {
  const db = database.db;
  const [county] = await db.insert(counties).values({ code: `bench-${randomBytes(3).toString('hex')}`, name: '基准县', city: '基准市', province: '浙江省' }).returning();
  const [admin] = await db.insert(accounts).values({ username: `bench.admin.${randomBytes(3).toString('hex')}`, displayName: 'bench', passwordHash: '!', role: 'admin' }).returning();
  const actor: Actor = {
    accountId: admin!.id, username: admin!.username, displayName: 'bench', role: 'admin', locale: 'zh-CN', audit: null, teacherId: null, classroomId: null, schoolId: null,
    communityIds: [], csrfToken: '', sessionExpiresAt: new Date(Date.now() + 3600_000),
  };
  if (!(await db.select().from(academicYears).where(eq(academicYears.label, YEAR))).length) await db.insert(academicYears).values({ label: YEAR, startsOn: '2026-09-01', endsOn: '2027-08-31' });
  const rows = roster(n) as Required<RosterRows>;
  const total = rows.schools.length + rows.classrooms.length + rows.teachers.length + rows.accounts.length + rows.resources.length;
  const bytes = await rosterXlsx(rows);
  const file = { originalName: 'roster.xlsx', contentType: 'application/octet-stream', bytes };
  const today = '2026-12-01';
  ctx.log(`${total} rows, ${Math.round(bytes.length / 1024)} KiB XLSX: dry run`);
  const dry = await timed(() => importRoster(db, actor, county!.id, { dryRun: true }, file, today));
  if (dry.value.errors.length) throw new Error(`bench roster has errors: ${JSON.stringify(dry.value.errors.slice(0, 3))}`);
  ctx.log('commit');
  const commit = await timed(() => importRoster(db, actor, county!.id, { dryRun: false, fingerprint: dry.value.fingerprint }, file, today));
  if (!commit.value.committed) throw new Error('bench roster did not commit');
  ctx.log('re-import dry run');
  const again = await timed(() => importRoster(db, actor, county!.id, { dryRun: true }, file, today));
  const unchanged = Object.values(again.value.summary).reduce((s, c) => s + c.unchanged, 0);
  ctx.log('baseline');
  const base = await baseline(db, rows);
  const [audit] = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from audit_log where actor_account_id = ${admin!.id}::uuid`);
  const perRow = (x: number) => Math.round((x / total) * 1000) / 1000;
  return {
    rows: total,
    schools: rows.schools.length,
    classrooms: rows.classrooms.length,
    teachers: rows.teachers.length,
    accounts: rows.accounts.length,
    resources: rows.resources.length,
    dryRunMs: dry.ms,
    dryRunMsPerRow: perRow(dry.ms),
    commitMs: commit.ms,
    commitMsPerRow: perRow(commit.ms),
    reimportDryRunMs: again.ms,
    reimportUnchangedRows: unchanged,
    baselineInsertMs: base,
    baselineMsPerRow: perRow(base),
    commitVsBaseline: Math.round((commit.ms / base) * 10) / 10,
    auditEntriesWritten: audit?.n ?? null,
    credentialsIssued: commit.value.credentials?.accounts ?? 0,
  };
}

export default async function rosterBench(ctx: BenchContext) {
  const n = ctx.quick ? 4 : Number(process.env['ROSTER_BENCH_SCHOOLS'] ?? 40);
  const out: Record<string, unknown> = { schools: n };

  // The strategy not taken: an argon2 hash per new account (OWASP parameters, as sign-in uses).
  const sample = ctx.quick ? 3 : 10;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < sample; i++) await hashPassword(`initial-password-${i}`);
  const argonMs = ms(t0) / sample;
  out['argon2MsPerPassword'] = Math.round(argonMs);
  out['argon2SecondsForAccounts'] = Math.round((argonMs * n * TEACHERS) / 100) / 10;

  Object.assign(out, await onEngines(ctx, 'roster', (database) => measure(ctx, database, n)));
  return out;
}
