import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { ASSESSED_STAGES, COUNTY_RULE_IDS, type BalanceStandard, type IndicatorCode } from '../../shared/county/standards.ts';
import type { CountyReport, CountyReports } from '../../shared/schemas/county.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditedCountiesAsked } from '../accounts/auditRegion.ts';
import type { Db } from '../db/client.ts';
import { classrooms, communityMemberships, counties, schoolResources, schools, teacherDispatches, teacherRotations, teachers, teacherSubjects } from '../db/schema/index.ts';
import { ForbiddenError, NotFoundError } from '../http/errors.ts';
import { communitiesOf } from '../quotas/facts.ts';
import { progressOf } from '../quotas/service.ts';
import { teachingDays } from '../quotas/teachingCalendar.ts';
import { loadYears, pickYear, type YearCalendar } from '../quotas/years.ts';
import { balanceOfStage, type SchoolResourceInput } from './balance.ts';
import { countyComparison } from './comparison.ts';
import { coverage } from './coverage.ts';
import { rotationSummary } from './rotation.ts';
import { CountyStandards } from './standards.ts';

/** What the county reports need: the database, "today", and DATA_DIR (the quota tracker's context, for the comparison's quota progress). */
export interface CountyContext {
  db: Db;
  dataDir: string;
  today: () => string;
}

/** PE and arts (美术、音乐) teachers, as the balance assessment counts them. */
const PE_ARTS_SUBJECTS = ['pe', 'music', 'art'];

/** Admins see every county (or the one asked for); an auditor the counties of their region (C-AUDIT-REGION); other roles have no county view. */
async function visibleCounties(db: Db, actor: Actor, countyId: string | undefined) {
  let ids: readonly string[] | null = countyId ? [countyId] : null;
  if (actor.role === 'auditor') ids = auditedCountiesAsked(actor, countyId);
  else if (actor.role !== 'admin') throw new ForbiddenError('Only admins and auditors see county reports');
  const rows = await db.select().from(counties).where(ids ? inArray(counties.id, [...ids]) : undefined).orderBy(asc(counties.province), asc(counties.city), asc(counties.name));
  if (countyId && !rows.length) throw new NotFoundError('County');
  return rows;
}

/** The county reports (coverage, balance, rotation) of the counties the actor may see, for one academic year. */
export async function countyReports(ctx: CountyContext, actor: Actor, q: { countyId?: string | undefined; academicYear?: string | undefined }): Promise<CountyReports> {
  const list = await visibleCounties(ctx.db, actor, q.countyId);
  const today = ctx.today();
  const years = await loadYears(ctx.db);
  const year = pickYear(years, today, q.academicYear);
  const standards = await CountyStandards.load(ctx.db);
  const reports: CountyReport[] = [];
  for (const c of list) reports.push({ countyId: c.id, countyName: c.name, city: c.city, province: c.province, ...(await countyFigures(ctx.db, c.id, year, years, today, standards)) });
  // 区县对比 (C-AUDIT-COMPARE): several counties side by side, with their communities' quotas.
  const comparison = reports.length > 1 ? countyComparison(reports, await progressOf(ctx, await communitiesOf(ctx.db, { countyIds: list.map((c) => c.id) }), year)) : null;
  return { academicYear: year.label, today, counties: reports, comparison };
}

async function countyFigures(db: Db, countyId: string, year: YearCalendar, years: readonly YearCalendar[], today: string, standards: CountyStandards): Promise<Omit<CountyReport, 'countyId' | 'countyName' | 'city' | 'province'>> {
  const schoolRows = await db.select().from(schools).where(eq(schools.countyId, countyId)).orderBy(asc(schools.name));
  const ids = schoolRows.map((s) => s.id);
  const any = ids.length ? ids : ['00000000-0000-0000-0000-000000000000'];

  // Coverage: every school day of the year, against the memberships of each day.
  const memberships = await db
    .select({ schoolId: communityMemberships.schoolId, validFrom: communityMemberships.validFrom, validTo: communityMemberships.validTo })
    .from(communityMemberships)
    .where(inArray(communityMemberships.schoolId, any));
  const days = teachingDays(year.calendar, year.startsOn, year.endsOn);
  const pick = (f: (s: (typeof schoolRows)[number]) => boolean) => schoolRows.filter(f).map((s) => ({ schoolId: s.id, name: s.name }));
  const cover = {
    rural: coverage(COUNTY_RULE_IDS.coverageRural, pick((s) => s.locality === 'rural'), memberships, days, today),
    newResident: coverage(COUNTY_RULE_IDS.coverageNewResident, pick((s) => s.newResident), memberships, days, today),
  };

  // Balance: this year, and the combined coefficient of every earlier year with figures, each
  // judged by the standard in force on its first day.
  const standard = standards.balanceOn(year.startsOn);
  const stages = await balanceOf(db, schoolRows, year.label, standard);
  const history = [];
  for (const y of years.filter((x) => x.startsOn < year.startsOn)) {
    const past = await balanceOf(db, schoolRows, y.label, standards.balanceOn(y.startsOn));
    if (past.some((st) => st.schools.some((x) => x.pupils))) history.push({ academicYear: y.label, primary: past[0]!.combined.value, juniorMiddle: past[1]!.combined.value });
  }
  history.push({ academicYear: year.label, primary: stages[0]!.combined.value, juniorMiddle: stages[1]!.combined.value });
  const teacherCount = await db.select({ n: sql<number>`count(*)::int` }).from(teachers).where(inArray(teachers.schoolId, any));

  // Rotation: recorded rotations and long dispatches overlapping the year, by teachers of the county.
  const rotationStd = standards.rotationOn(year.startsOn);
  const names = new Map(schoolRows.map((s) => [s.id, s.name]));
  const [rotations, dispatches] = await Promise.all([
    db
      .select({ r: teacherRotations, name: teachers.name, backbone: teachers.isBackbone })
      .from(teacherRotations)
      .innerJoin(teachers, eq(teachers.id, teacherRotations.teacherId))
      .where(and(inArray(teacherRotations.fromSchoolId, any), lte(teacherRotations.startsOn, year.endsOn), gte(teacherRotations.endsOn, year.startsOn))),
    db
      .select({ d: teacherDispatches, name: teachers.name, backbone: teachers.isBackbone, fromSchoolId: teachers.schoolId })
      .from(teacherDispatches)
      .innerJoin(teachers, eq(teachers.id, teacherDispatches.teacherId))
      .where(
        and(
          inArray(teachers.schoolId, any),
          lte(teacherDispatches.startsOn, year.endsOn),
          gte(teacherDispatches.endsOn, year.startsOn),
          sql`${teacherDispatches.endsOn} - ${teacherDispatches.startsOn} + 1 >= ${rotationStd.dispatchMinDays}`,
        ),
      ),
  ]);
  const entries = [
    ...rotations.map(({ r, name, backbone: b }) => ({ teacherId: r.teacherId, teacherName: name, backbone: b, fromSchool: names.get(r.fromSchoolId) ?? '', toSchool: names.get(r.toSchoolId) ?? '', startsOn: r.startsOn, endsOn: r.endsOn, source: 'rotation' as const })),
    ...dispatches.map(({ d, name, backbone: b, fromSchoolId }) => ({ teacherId: d.teacherId, teacherName: name, backbone: b, fromSchool: names.get(fromSchoolId) ?? '', toSchool: names.get(d.schoolId) ?? '', startsOn: d.startsOn, endsOn: d.endsOn, source: 'dispatch' as const })),
  ].sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.teacherName.localeCompare(b.teacherName));

  return {
    coverage: cover,
    balance: { standardId: standard.id, stages, history },
    rotation: rotationSummary(teacherCount[0]?.n ?? 0, entries, rotationStd),
  };
}

/** The balance of a county's schools for one academic year: what the county entered, else what the platform counts (as it stands today). */
async function balanceOf(db: Db, schoolRows: (typeof schools.$inferSelect)[], academicYear: string, standard: BalanceStandard) {
  const any = schoolRows.length ? schoolRows.map((s) => s.id) : ['00000000-0000-0000-0000-000000000000'];
  const [resources, backbone, peArts, terminals] = await Promise.all([
    db.select().from(schoolResources).where(and(inArray(schoolResources.schoolId, any), eq(schoolResources.academicYear, academicYear))),
    db.select({ schoolId: teachers.schoolId, n: sql<number>`count(*)::int` }).from(teachers).where(and(inArray(teachers.schoolId, any), eq(teachers.isBackbone, true))).groupBy(teachers.schoolId),
    db
      .select({ schoolId: teachers.schoolId, n: sql<number>`count(distinct ${teachers.id})::int` })
      .from(teachers)
      .innerJoin(teacherSubjects, eq(teacherSubjects.teacherId, teachers.id))
      .where(and(inArray(teachers.schoolId, any), inArray(teacherSubjects.subjectCode, PE_ARTS_SUBJECTS)))
      .groupBy(teachers.schoolId),
    db.select({ schoolId: classrooms.schoolId, n: sql<number>`count(*)::int` }).from(classrooms).where(and(inArray(classrooms.schoolId, any), eq(classrooms.hasJoinTerminal, true))).groupBy(classrooms.schoolId),
  ]);
  const count = (rows: { schoolId: string; n: number }[], id: string) => rows.find((r) => r.schoolId === id)?.n ?? 0;
  const inputs = schoolRows.map((s): SchoolResourceInput & { stage: string } => {
    const r = resources.find((x) => x.schoolId === s.id);
    const entered: Partial<Record<IndicatorCode, number | null>> = {
      qualifiedTeachers: r?.teachersAboveQualification ?? null,
      backboneTeachers: r?.backboneTeachers ?? null,
      peArtsTeachers: r?.peArtsTeachers ?? null,
      teachingFloorArea: r?.teachingFloorArea ?? null,
      sportsGroundArea: r?.sportsGroundArea ?? null,
      equipmentValue: r?.equipmentValue ?? null,
      multimediaClassrooms: r?.multimediaClassrooms ?? null,
    };
    const platform = { backboneTeachers: count(backbone, s.id), peArtsTeachers: count(peArts, s.id), multimediaClassrooms: count(terminals, s.id) };
    return { schoolId: s.id, name: s.name, stage: s.stage, pupils: r?.pupils ?? null, entered, platform };
  });
  return ASSESSED_STAGES.map((stage) => balanceOfStage(inputs.filter((i) => i.stage === stage || i.stage === 'nine_year'), standard, stage));
}
