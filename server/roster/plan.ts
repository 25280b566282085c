import { randomUUID } from 'node:crypto';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { RosterChange, RosterCounts, RosterRowError, RosterSheet } from '../../shared/schemas/roster.ts';
import { Username } from '../../shared/schemas/accounts.ts';
import type { Actor } from '../accounts/actor.ts';
import { managedSchoolIds } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { accountCommunities, accounts, classrooms, communities, schoolResources, schools, subjects, teacherSubjects, teachers } from '../db/schema/index.ts';
import { loadYears, pickYear } from '../quotas/years.ts';
import { BACKBONE, listOf, LOCALITIES, QUALIFICATIONS, ROLES, sheetSpec, STAGES, YES_NO } from './columns.ts';
import { planResources, type PlannedResources } from './planResources.ts';
import type { RosterFile, RosterRow } from './read.ts';

/**
 * The roster import's plan: every row checked against the file and the database (C-ROSTER-*
 * in shared/county/SPEC.md), matched by its code, and turned into the changes it makes. The
 * plan is pure reading; `applyRoster` writes it.
 */

type SchoolRow = typeof schools.$inferSelect;
type ClassroomRow = typeof classrooms.$inferSelect;
type TeacherRow = typeof teachers.$inferSelect;
type AccountRow = typeof accounts.$inferSelect;

export interface PlannedAccount {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: 'teacher' | 'classroom' | 'auditor' | 'coordinator';
  readonly countyId: string | null;
  readonly teacherId: string | null;
  readonly classroomId: string | null;
  /** Where the account's owner works, for the credentials sheet (auditors: the county). */
  readonly schoolCode: string;
  readonly schoolName: string;
}

export interface RosterOps {
  readonly schoolInserts: SchoolRow[];
  readonly schoolUpdates: { id: string; set: Partial<SchoolRow> }[];
  readonly academicYear: string | null;
  readonly pupils: { schoolId: string; pupils: number }[];
  readonly classroomInserts: Omit<ClassroomRow, 'createdAt'>[];
  readonly classroomUpdates: { id: string; set: Partial<ClassroomRow> }[];
  readonly teacherInserts: Omit<TeacherRow, 'createdAt'>[];
  readonly teacherUpdates: { id: string; set: Partial<TeacherRow> }[];
  /** Subjects of new teachers and of teachers whose subjects change (replaced). */
  readonly subjectSets: { teacherId: string; codes: string[]; replace: boolean }[];
  readonly accountInserts: PlannedAccount[];
  readonly accountUpdates: { id: string; set: Partial<AccountRow> }[];
  /** Coordinators' communities: links to add and to remove. */
  readonly communityLinks: { accountId: string; add: string[]; remove: string[] }[];
  /** The 资源指标 sheet's figures per school and year (written after the 学校 sheet's pupils). */
  readonly resources: PlannedResources[];
}

export interface RosterPlan {
  readonly rows: number;
  readonly errors: RosterRowError[];
  readonly changes: RosterChange[];
  readonly summary: Record<RosterSheet, RosterCounts>;
  readonly ops: RosterOps;
}

const SCHOOL_CODE = /^[0-9]{10}$/;
const STAFF_NO = /^[0-9A-Za-z-]{1,32}$/;
const WHOLE = /^[0-9]+$/;

type Shown = string | number | boolean | null | undefined;
const shown = (v: Shown): string | null => (v === null || v === undefined ? null : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

/** The fields of `next` that differ from `before` (only the keys `next` has). */
function diff(before: object | null, next: Record<string, Shown>) {
  const fields: { field: string; before: string | null; after: string | null }[] = [];
  for (const [field, value] of Object.entries(next)) {
    if (value === undefined) continue;
    const was = before ? shown((before as Record<string, Shown>)[field]) : null;
    const now = shown(value);
    if (!before || was !== now) fields.push({ field, before: before ? was : null, after: now });
  }
  return fields;
}

export async function planRoster(db: Db, actor: Actor, county: { id: string; code: string; name: string }, file: RosterFile, today: string): Promise<RosterPlan> {
  const errors: RosterRowError[] = [];
  const changes: RosterChange[] = [];
  const counts = (): RosterCounts => ({ create: 0, update: 0, unchanged: 0 });
  const summary: Record<RosterSheet, RosterCounts> = { schools: counts(), classrooms: counts(), teachers: counts(), accounts: counts(), resources: counts() };
  const ops: { -readonly [K in keyof RosterOps]: RosterOps[K] } = {
    schoolInserts: [], schoolUpdates: [], academicYear: null, pupils: [], classroomInserts: [], classroomUpdates: [],
    teacherInserts: [], teacherUpdates: [], subjectSets: [], accountInserts: [], accountUpdates: [], communityLinks: [], resources: [],
  };
  const isAdmin = actor.role === 'admin';

  const fail = (sheet: RosterSheet, r: RosterRow, column: string | null, code: string, params: Record<string, string | number>, message: string) => {
    const spec = sheetSpec(sheet);
    errors.push({ sheet, sheetName: spec.zh, row: r.row, column: column ? (spec.columns.find((c) => c.key === column)?.zh ?? column) : null, code, params, message });
  };
  const record = (sheet: RosterSheet, r: RosterRow, key: string, existed: boolean, fields: RosterChange['fields']) => {
    if (!existed) summary[sheet].create++;
    else if (fields.length) summary[sheet].update++;
    else summary[sheet].unchanged++;
    if (!existed || fields.length) changes.push({ sheet, row: r.row, action: existed ? 'update' : 'create', key, fields });
  };
  /** Required cell: reports and returns null when empty. */
  const need = (sheet: RosterSheet, r: RosterRow, key: string): string | null => {
    const v = r.values[key] ?? '';
    if (v) return v;
    fail(sheet, r, key, 'roster.required', {}, 'required');
    return null;
  };
  /** First row of each key: a repeated key is a duplicate naming the first row. */
  const firstRows = new Map<string, number>();
  const duplicate = (sheet: RosterSheet, r: RosterRow, column: string, key: string): boolean => {
    const id = `${sheet}:${key}`;
    const first = firstRows.get(id);
    if (first !== undefined) {
      fail(sheet, r, column, 'roster.duplicate', { value: key, row: first }, `${key} is already on row ${first}`);
      return true;
    }
    firstRows.set(id, r.row);
    return false;
  };

  const schoolRows = file.schools ?? [];
  const classroomRows = file.classrooms ?? [];
  const teacherRows = file.teachers ?? [];
  const accountRows = file.accounts ?? [];
  const resourceRows = file.resources ?? [];

  // ---- what exists ----
  const codesInFile = [...new Set([...schoolRows, ...classroomRows, ...teacherRows, ...accountRows, ...resourceRows].map((r) => r.values['code'] ?? r.values['schoolCode'] ?? '').filter((c) => SCHOOL_CODE.test(c)))];
  const staffInFile = [...new Set([...teacherRows, ...accountRows].map((r) => r.values['staffNo'] ?? '').filter((s) => STAFF_NO.test(s)))];
  const usernamesInFile = [...new Set(accountRows.map((r) => (r.values['username'] ?? '').toLowerCase()).filter(Boolean))];
  const existingSchools = await db
    .select()
    .from(schools)
    .where(codesInFile.length ? or(eq(schools.countyId, county.id), inArray(schools.code, codesInFile)) : eq(schools.countyId, county.id));
  const countySchoolIds = existingSchools.filter((s) => s.countyId === county.id).map((s) => s.id);
  const [existingRooms, existingTeachers, subjectRows, managed] = await Promise.all([
    countySchoolIds.length ? db.select().from(classrooms).where(inArray(classrooms.schoolId, countySchoolIds)) : Promise.resolve([] as ClassroomRow[]),
    db
      .select({ t: teachers, countyId: schools.countyId })
      .from(teachers)
      .innerJoin(schools, eq(schools.id, teachers.schoolId))
      .where(staffInFile.length ? or(eq(schools.countyId, county.id), inArray(teachers.staffNo, staffInFile)) : eq(schools.countyId, county.id)),
    db.select().from(subjects),
    managedSchoolIds(db, actor, countySchoolIds),
  ]);
  const teacherIds = existingTeachers.map((t) => t.t.id);
  const roomIds = existingRooms.map((c) => c.id);
  const [existingSubjects, existingAccounts] = await Promise.all([
    teacherIds.length ? db.select().from(teacherSubjects).where(inArray(teacherSubjects.teacherId, teacherIds)) : Promise.resolve([]),
    usernamesInFile.length || teacherIds.length || roomIds.length
      ? db
          .select()
          .from(accounts)
          .where(
            or(
              usernamesInFile.length ? inArray(accounts.username, usernamesInFile) : sql`false`,
              teacherIds.length ? inArray(accounts.teacherId, teacherIds) : sql`false`,
              roomIds.length ? inArray(accounts.classroomId, roomIds) : sql`false`,
            ),
          )
      : Promise.resolve([] as AccountRow[]),
  ]);

  // ---- schools ----
  interface SchoolTarget { id: string; code: string | null; name: string; managed: boolean; bad: boolean }
  const schoolByCode = new Map<string, SchoolTarget>();
  const otherCountyCodes = new Set<string>();
  for (const s of existingSchools) {
    if (s.countyId !== county.id) {
      if (s.code) otherCountyCodes.add(s.code);
      continue;
    }
    if (s.code) schoolByCode.set(s.code, { id: s.id, code: s.code, name: s.name, managed: managed.has(s.id), bad: false });
  }
  const countySchools = existingSchools.filter((s) => s.countyId === county.id);
  const pupilsWanted = schoolRows.some((r) => r.values['pupils']);
  let pupilsNow = new Map<string, number | null>();
  if (pupilsWanted) {
    const years = await loadYears(db);
    const year = years.length ? pickYear(years, today) : null;
    ops.academicYear = year?.label ?? null;
    if (year && countySchoolIds.length) {
      const rows = await db.select({ schoolId: schoolResources.schoolId, pupils: schoolResources.pupils }).from(schoolResources).where(and(inArray(schoolResources.schoolId, countySchoolIds), eq(schoolResources.academicYear, year.label)));
      pupilsNow = new Map(rows.map((r) => [r.schoolId, r.pupils]));
    }
  }
  /** Schools whose 在校生数 the 学校 sheet gives: school → its row. */
  const pupilsRows = new Map<string, number>();
  for (const r of schoolRows) {
    const v = r.values;
    const before = errors.length;
    const code = need('schools', r, 'code');
    if (code && !SCHOOL_CODE.test(code)) fail('schools', r, 'code', 'roster.code_format', { value: code }, `${code} is not a ten-digit school code`);
    else if (code && otherCountyCodes.has(code)) fail('schools', r, 'code', 'roster.other_county', { value: code }, `school ${code} belongs to another county`);
    else if (code) duplicate('schools', r, 'code', code);
    const name = need('schools', r, 'name');
    if (name && name.length > 120) fail('schools', r, 'name', 'roster.too_long', { max: 120 }, 'at most 120 characters');
    else if (name) duplicate('schools', r, 'name', name);
    if (v['county'] && v['county'] !== county.code) fail('schools', r, 'county', 'roster.other_county', { value: v['county'] }, `the file imports county ${county.code}, not ${v['county']}`);
    const stage = need('schools', r, 'stage') === null ? undefined : STAGES(v['stage']!);
    if (v['stage'] && !stage) fail('schools', r, 'stage', 'roster.value', { value: v['stage'], allowed: '小学, 初中, 九年一贯制' }, 'write 小学, 初中 or 九年一贯制');
    const locality = need('schools', r, 'locality') === null ? undefined : LOCALITIES(v['locality']!);
    if (v['locality'] && !locality) fail('schools', r, 'locality', 'roster.value', { value: v['locality'], allowed: '城区, 乡村' }, 'write 城区 or 乡村');
    const newResident = v['newResident'] === undefined ? undefined : YES_NO(v['newResident']);
    if (v['newResident'] !== undefined && !newResident) fail('schools', r, 'newResident', 'roster.value', { value: v['newResident'], allowed: '是, 否' }, 'write 是 or 否');
    const pupils = v['pupils'] ? Number(v['pupils']) : undefined;
    if (v['pupils'] && (!WHOLE.test(v['pupils']) || pupils! > 100_000)) fail('schools', r, 'pupils', 'roster.number', { value: v['pupils'], max: 100_000 }, 'a whole number (0–100000)');
    else if (pupils !== undefined && !ops.academicYear) fail('schools', r, 'pupils', 'roster.no_year', {}, 'no academic year is set up for the figures');
    if (errors.length > before || !code || !name) {
      // Rows naming this school are not reported again; a school that exists (or an earlier good row) stands.
      if (code && SCHOOL_CODE.test(code) && !schoolByCode.has(code) && !otherCountyCodes.has(code)) schoolByCode.set(code, { id: '', code, name: name ?? '', managed: false, bad: true });
      continue;
    }
    // Matched by code; a school of the county known only by name (entered before codes) takes the code.
    const existing = countySchools.find((s) => s.code === code) ?? countySchools.find((s) => s.code === null && s.name === name);
    const named = countySchools.find((s) => s.name === name && s.id !== existing?.id);
    if (named) {
      fail('schools', r, 'name', 'roster.name_taken', { value: name, code: named.code ?? '' }, `another school of the county is named ${name}`);
      continue;
    }
    if (existing && !managed.has(existing.id)) {
      fail('schools', r, 'code', 'roster.scope', { value: code }, 'not a school of your communities');
      continue;
    }
    if (!existing && !isAdmin) {
      fail('schools', r, 'code', 'roster.scope_create', { value: code }, 'coordinators update their communities\' schools; an administrator adds new schools');
      continue;
    }
    const oldPupils = existing ? (pupilsNow.get(existing.id) ?? null) : null;
    if (pupils !== undefined && pupils !== oldPupils && !isAdmin) {
      fail('schools', r, 'pupils', 'roster.admin_only', {}, 'the county\'s figures are entered by an administrator');
      continue;
    }
    const next = { code, name, stage: stage!, locality: locality!, newResident: newResident === undefined ? undefined : newResident === 'yes' };
    const fields = diff(existing ?? null, next);
    if (pupils !== undefined && pupils !== oldPupils) fields.push({ field: 'pupils', before: shown(oldPupils), after: String(pupils) });
    const id = existing?.id ?? randomUUID();
    if (!existing) {
      ops.schoolInserts.push({ id, countyId: county.id, code, name, stage: stage!, locality: locality!, newResident: newResident === 'yes', timeZone: 'Asia/Shanghai', createdAt: new Date() });
    } else {
      const set = Object.fromEntries(fields.filter((f) => f.field !== 'pupils').map((f) => [f.field, next[f.field as keyof typeof next]]));
      if (Object.keys(set).length) ops.schoolUpdates.push({ id, set });
    }
    if (pupils !== undefined && pupils !== oldPupils) ops.pupils.push({ schoolId: id, pupils });
    if (pupils !== undefined) pupilsRows.set(id, r.row);
    schoolByCode.set(code, { id, code, name, managed: true, bad: false });
    record('schools', r, code, !!existing, fields);
  }
  // Every school of the county by id (those without a code too), as the file leaves them.
  const schoolById = new Map<string, SchoolTarget>(countySchools.map((s) => [s.id, { id: s.id, code: s.code, name: s.name, managed: managed.has(s.id), bad: false }]));
  for (const s of schoolByCode.values()) if (s.id) schoolById.set(s.id, s);
  /** The school a row names by code: reported when unknown, of another county or not the caller's. */
  const schoolOf = (sheet: RosterSheet, r: RosterRow, column: string): SchoolTarget | null => {
    const code = r.values[column] ?? '';
    if (!code) {
      fail(sheet, r, column, 'roster.required', {}, 'required');
      return null;
    }
    if (!SCHOOL_CODE.test(code)) {
      fail(sheet, r, column, 'roster.code_format', { value: code }, `${code} is not a ten-digit school code`);
      return null;
    }
    const s = schoolByCode.get(code);
    if (s?.bad) return null; // its own row is reported
    if (!s) {
      if (otherCountyCodes.has(code)) fail(sheet, r, column, 'roster.other_county', { value: code }, `school ${code} belongs to another county`);
      else fail(sheet, r, column, 'roster.unknown_school', { value: code }, `no school ${code} in this county or on the 学校 sheet`);
      return null;
    }
    if (!s.managed) {
      fail(sheet, r, column, 'roster.scope', { value: code }, 'not a school of your communities');
      return null;
    }
    return s;
  };

  // ---- classrooms ----
  const roomByKey = new Map<string, { id: string; name: string; school: SchoolTarget }>();
  for (const c of existingRooms) {
    const school = schoolById.get(c.schoolId);
    if (school && school.code) roomByKey.set(`${school.code}/${c.name}`, { id: c.id, name: c.name, school });
  }
  for (const r of classroomRows) {
    const v = r.values;
    const before = errors.length;
    const school = schoolOf('classrooms', r, 'schoolCode');
    const name = need('classrooms', r, 'name');
    if (name && name.length > 120) fail('classrooms', r, 'name', 'roster.too_long', { max: 120 }, 'at most 120 characters');
    const terminal = v['terminal'] === undefined ? undefined : YES_NO(v['terminal']);
    if (v['terminal'] !== undefined && !terminal) fail('classrooms', r, 'terminal', 'roster.value', { value: v['terminal'], allowed: '是, 否' }, 'write 是 or 否');
    const capacity = v['capacity'] === undefined ? undefined : v['capacity'] ? Number(v['capacity']) : null;
    if (v['capacity'] && (!WHOLE.test(v['capacity']) || capacity! < 1 || capacity! > 500)) fail('classrooms', r, 'capacity', 'roster.number', { value: v['capacity'], min: 1, max: 500 }, 'a whole number (1–500)');
    if (errors.length > before || !school || !name) continue;
    const key = `${school.code}/${name}`;
    if (duplicate('classrooms', r, 'name', key)) continue;
    const existingRoom = roomByKey.get(key);
    const existing = existingRoom ? existingRooms.find((c) => c.id === existingRoom.id)! : null;
    const next = { name, hasJoinTerminal: terminal === undefined ? undefined : terminal === 'yes', capacity };
    const fields = diff(existing, next);
    const id = existing?.id ?? randomUUID();
    if (!existing) ops.classroomInserts.push({ id, schoolId: school.id, name, hasJoinTerminal: terminal === 'yes', capacity: capacity ?? null });
    else if (fields.length) ops.classroomUpdates.push({ id, set: Object.fromEntries(fields.map((f) => [f.field, next[f.field as keyof typeof next]])) });
    roomByKey.set(key, { id, name, school });
    record('classrooms', r, key, !!existing, fields);
  }

  // ---- teachers ----
  const subjectCode = (text: string) => subjectRows.find((s) => s.code === text || s.nameZh === text || s.nameEn.toLowerCase() === text.toLowerCase())?.code;
  const subjectsOf = new Map<string, string[]>();
  for (const s of existingSubjects) subjectsOf.set(s.teacherId, [...(subjectsOf.get(s.teacherId) ?? []), s.subjectCode]);
  const teacherByStaff = new Map<string, { id: string; name: string; school: SchoolTarget | null; bad: boolean; otherCounty: boolean }>();
  for (const { t, countyId } of existingTeachers) {
    if (!t.staffNo) continue;
    const school = schoolById.get(t.schoolId) ?? null;
    teacherByStaff.set(t.staffNo, { id: t.id, name: t.name, school, bad: false, otherCounty: countyId !== county.id });
  }
  const adopted = new Set<string>();
  for (const r of teacherRows) {
    const v = r.values;
    const before = errors.length;
    const staffNo = need('teachers', r, 'staffNo');
    if (staffNo && !STAFF_NO.test(staffNo)) fail('teachers', r, 'staffNo', 'roster.staff_no_format', { value: staffNo }, 'letters, digits or - (at most 32)');
    else if (staffNo && duplicate('teachers', r, 'staffNo', staffNo)) continue; // the first row stands for the teacher
    const name = need('teachers', r, 'name');
    if (name && name.length > 120) fail('teachers', r, 'name', 'roster.too_long', { max: 120 }, 'at most 120 characters');
    const school = schoolOf('teachers', r, 'schoolCode');
    const codes: string[] = [];
    for (const text of v['subjects'] === undefined ? [] : listOf(v['subjects'])) {
      const c = subjectCode(text);
      if (c) codes.push(c);
      else fail('teachers', r, 'subjects', 'roster.unknown_subject', { value: text }, `unknown subject ${text}`);
    }
    const level = v['backbone'] === undefined ? undefined : v['backbone'] ? BACKBONE(v['backbone']) : null;
    if (v['backbone'] && !level) fail('teachers', r, 'backbone', 'roster.value', { value: v['backbone'], allowed: '县级, 市级, 省级' }, 'write 县级, 市级, 省级 or leave empty');
    const qualification = v['qualification'] === undefined ? undefined : v['qualification'] ? QUALIFICATIONS(v['qualification']) : null;
    if (v['qualification'] && !qualification) fail('teachers', r, 'qualification', 'roster.value', { value: v['qualification'], allowed: '中专, 大专, 本科, 硕士, 博士' }, 'write 中专, 大专, 本科, 硕士 or 博士');
    const known = staffNo ? teacherByStaff.get(staffNo) : undefined;
    if (staffNo && known?.otherCounty) fail('teachers', r, 'staffNo', 'roster.other_county', { value: staffNo }, `teacher ${staffNo} works at a school of another county`);
    else if (staffNo && known && !known.school?.managed && known.id) fail('teachers', r, 'staffNo', 'roster.scope', { value: staffNo }, 'not a teacher of your communities\' schools');
    if (errors.length > before || !staffNo || !name || !school) {
      if (staffNo && !teacherByStaff.has(staffNo)) teacherByStaff.set(staffNo, { id: '', name: name ?? '', school: null, bad: true, otherCounty: false });
      else if (staffNo) teacherByStaff.set(staffNo, { ...teacherByStaff.get(staffNo)!, bad: true });
      continue;
    }
    // Matched by staff number; a teacher of that school known only by name (entered before staff numbers) takes it.
    const byStaff = known?.id ? existingTeachers.find((t) => t.t.id === known.id)!.t : null;
    const byName = byStaff ? [] : existingTeachers.filter((t) => t.t.schoolId === school.id && t.t.staffNo === null && t.t.name === name && !adopted.has(t.t.id));
    const existing = byStaff ?? (byName.length === 1 ? byName[0]!.t : null);
    if (existing) adopted.add(existing.id);
    const next = {
      staffNo,
      name,
      schoolId: school.id,
      isBackbone: level === undefined ? undefined : level !== null,
      backboneLevel: level,
      qualification,
    };
    const fields = diff(existing, next).map((f) =>
      f.field === 'schoolId' ? { field: 'school', before: schoolById.get(f.before ?? '')?.name ?? f.before, after: school.name } : f,
    );
    const oldCodes = existing ? [...(subjectsOf.get(existing.id) ?? [])].sort() : [];
    const newCodes = [...new Set(codes)].sort();
    const subjectsChange = v['subjects'] !== undefined && oldCodes.join(';') !== newCodes.join(';');
    if (subjectsChange) fields.push({ field: 'subjects', before: existing ? oldCodes.join(';') : null, after: newCodes.join(';') });
    const id = existing?.id ?? randomUUID();
    if (!existing) {
      ops.teacherInserts.push({ id, schoolId: school.id, name, staffNo, isBackbone: !!level, backboneLevel: level ?? null, qualification: qualification ?? null });
      if (newCodes.length) ops.subjectSets.push({ teacherId: id, codes: newCodes, replace: false });
    } else {
      const set = Object.fromEntries(
        Object.entries(next).filter(([k, val]) => val !== undefined && shown(existing[k as keyof TeacherRow] as Shown) !== shown(val as Shown)),
      );
      if (Object.keys(set).length) ops.teacherUpdates.push({ id, set });
      if (subjectsChange) ops.subjectSets.push({ teacherId: id, codes: newCodes, replace: true });
    }
    teacherByStaff.set(staffNo, { id, name, school, bad: false, otherCounty: false });
    record('teachers', r, staffNo, !!existing, fields);
  }

  // ---- accounts ----
  const accountOfSubject = new Map<string, AccountRow>();
  for (const a of existingAccounts) {
    if (a.teacherId) accountOfSubject.set(a.teacherId, a);
    if (a.classroomId) accountOfSubject.set(a.classroomId, a);
  }
  const subjectsTaken = new Map<string, number>();
  const coordinatorIds = existingAccounts.filter((a) => a.role === 'coordinator').map((a) => a.id);
  const [countyCommunities, links] = await Promise.all([
    accountRows.length ? db.select({ id: communities.id, name: communities.name }).from(communities).where(eq(communities.countyId, county.id)) : Promise.resolve([]),
    coordinatorIds.length ? db.select().from(accountCommunities).where(inArray(accountCommunities.accountId, coordinatorIds)) : Promise.resolve([]),
  ]);
  const communityName = new Map(countyCommunities.map((c) => [c.id, c.name]));
  const communitiesOf = (ids: readonly string[]) => ids.map((id) => communityName.get(id) ?? id).sort().join(';');
  for (const r of accountRows) {
    const v = r.values;
    const before = errors.length;
    const rawName = need('accounts', r, 'username');
    const parsedName = rawName ? Username.safeParse(rawName) : null;
    if (parsedName && !parsedName.success) fail('accounts', r, 'username', 'roster.username_format', { value: rawName! }, '3–40 letters, digits, ".", "_" or "-"');
    const username = parsedName?.success ? parsedName.data : null;
    if (username) duplicate('accounts', r, 'username', username);
    const roleText = need('accounts', r, 'role');
    const role = roleText ? ROLES(roleText) : undefined;
    if (roleText && !role) fail('accounts', r, 'role', 'roster.value', { value: roleText, allowed: '教师, 教室终端, 协调员, 审计员' }, 'write 教师, 教室终端, 协调员 or 审计员');
    if (v['displayName'] && v['displayName'].length > 80) fail('accounts', r, 'displayName', 'roster.too_long', { max: 80 }, 'at most 80 characters');
    let teacherId: string | null = null;
    let classroomId: string | null = null;
    const communityIds: string[] = [];
    let owner = '';
    let where = { schoolCode: county.code, schoolName: county.name };
    if (role === 'teacher') {
      const staffNo = need('accounts', r, 'staffNo');
      const t = staffNo ? teacherByStaff.get(staffNo) : undefined;
      if (staffNo && !t) fail('accounts', r, 'staffNo', 'roster.unknown_teacher', { value: staffNo }, `no teacher ${staffNo} in this county or on the 教师 sheet`);
      else if (t?.otherCounty) fail('accounts', r, 'staffNo', 'roster.other_county', { value: staffNo! }, `teacher ${staffNo} works at a school of another county`);
      else if (t && !t.bad && !t.school?.managed) fail('accounts', r, 'staffNo', 'roster.scope', { value: staffNo! }, 'not a teacher of your communities\' schools');
      else if (t && !t.bad) {
        teacherId = t.id;
        owner = t.name;
        where = { schoolCode: t.school!.code ?? '', schoolName: t.school!.name };
      }
    } else if (role === 'classroom') {
      const school = schoolOf('accounts', r, 'schoolCode');
      const room = need('accounts', r, 'classroom');
      const c = school && room ? roomByKey.get(`${school.code}/${room}`) : undefined;
      if (school && room && !c) fail('accounts', r, 'classroom', 'roster.unknown_classroom', { value: room, code: school.code ?? '' }, `no classroom ${room} at school ${school.code}`);
      else if (c && school) {
        classroomId = c.id;
        owner = `${school.name} ${c.name}`;
        where = { schoolCode: school.code ?? '', schoolName: school.name };
      }
    } else if ((role === 'auditor' || role === 'coordinator') && !isAdmin) {
      fail('accounts', r, 'role', 'roster.admin_only', {}, `an administrator creates ${role} accounts`);
    } else if (role === 'coordinator') {
      // A coordinator account for communities of the county, named as the county names them (or by id).
      for (const text of listOf(need('accounts', r, 'communities') ?? '')) {
        const found = countyCommunities.filter((c) => c.name === text || c.id === text);
        if (found.length === 1) communityIds.push(found[0]!.id);
        else if (found.length > 1) fail('accounts', r, 'communities', 'roster.ambiguous_community', { value: text }, `more than one community of the county is named ${text}`);
        else fail('accounts', r, 'communities', 'roster.unknown_community', { value: text }, `no community ${text} in this county`);
      }
    }
    const subjectId = teacherId ?? classroomId;
    if (subjectId) {
      const first = subjectsTaken.get(subjectId);
      if (first !== undefined) fail('accounts', r, role === 'teacher' ? 'staffNo' : 'classroom', 'roster.duplicate', { value: v['staffNo'] || v['classroom'] || '', row: first }, `already given an account on row ${first}`);
      else subjectsTaken.set(subjectId, r.row);
    }
    if (errors.length > before || !username || !role || ((role === 'teacher' || role === 'classroom') && !subjectId)) continue;
    const existing = existingAccounts.find((a) => a.username === username) ?? null;
    const displayName = v['displayName'] || owner || username;
    const countyId = role === 'auditor' ? county.id : null;
    if (existing && (existing.role !== role || existing.teacherId !== teacherId || existing.classroomId !== classroomId || existing.countyId !== countyId)) {
      fail('accounts', r, 'username', 'roster.username_taken', { value: username }, `the username ${username} belongs to another account`);
      continue;
    }
    const other = subjectId ? accountOfSubject.get(subjectId) : undefined;
    if (!existing && other) {
      fail('accounts', r, role === 'teacher' ? 'staffNo' : 'classroom', 'roster.has_account', { value: other.username }, `already has the account ${other.username}`);
      continue;
    }
    const fields = diff(existing, { username, role, displayName });
    const id = existing?.id ?? randomUUID();
    if (!existing) ops.accountInserts.push({ id, username, displayName, role, countyId, teacherId, classroomId, ...where });
    else if (fields.length) ops.accountUpdates.push({ id, set: { displayName } });
    if (role === 'coordinator') {
      const now = [...new Set(communityIds)];
      const was = links.filter((l) => l.accountId === id).map((l) => l.communityId);
      const add = now.filter((c) => !was.includes(c));
      const remove = was.filter((c) => !now.includes(c));
      if (add.length || remove.length) {
        fields.push({ field: 'communities', before: existing ? communitiesOf(was) : null, after: communitiesOf(now) });
        ops.communityLinks.push({ accountId: id, add, remove });
      }
    }
    record('accounts', r, username, !!existing, fields);
  }

  // ---- resource figures ----
  ops.resources = await planResources(
    {
      db,
      isAdmin,
      today,
      countySchoolIds,
      schoolOf: (r) => schoolOf('resources', r, 'schoolCode'),
      fail: (r, column, code, params, message) => fail('resources', r, column, code, params, message),
      duplicate: (r, column, key) => duplicate('resources', r, column, key),
      record: (r, key, existed, fields) => record('resources', r, key, existed, fields),
      pupilsFromSchools: { academicYear: ops.academicYear, rows: pupilsRows },
    },
    resourceRows,
  );

  const rows = schoolRows.length + classroomRows.length + teacherRows.length + accountRows.length + resourceRows.length;
  const order: RosterSheet[] = ['schools', 'classrooms', 'teachers', 'accounts', 'resources'];
  errors.sort((a, b) => order.indexOf(a.sheet) - order.indexOf(b.sheet) || a.row - b.row);
  return { rows, errors, changes, summary, ops };
}
