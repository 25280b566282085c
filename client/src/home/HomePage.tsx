import { useEffect, useMemo } from 'react';
import { navigate } from '../app/router.tsx';
import type { CommunitySummary } from '../../../shared/schemas/communities.ts';
import type { School } from '../../../shared/schemas/places.ts';
import { api, call } from '../app/api.ts';
import { membershipStatus, schoolKind, todayIso } from '../app/format.ts';
import { useCommunityTypeLabel, useCommunityTypes, useSubjectLabel } from '../app/reference.ts';
import { Link } from '../app/router.tsx';
import { useMe } from '../app/session.ts';
import { useAsync, useQuery } from '../app/useQuery.ts';
import { useAccountList } from '../accounts/store.ts';
import { useCommunity, useCommunityList } from '../communities/store.ts';
import { localName, useLocale, useT } from '../i18n/index.ts';
import { Badge, Card, DescriptionList, EmptyState, Icon, LinkButton, PageHeader, Spinner, Stat, Table, type Column, type IconName } from '../ui/index.ts';
import { UpcomingSessions } from './UpcomingSessions.tsx';
import { CountySection } from '../county/CountySection.tsx';
import { CommunityYearCard } from './CommunityYear.tsx';
import { CommunitiesByRisk, useStanding } from './Standing.tsx';
import { DeliveredThisYear } from './DeliveredThisYear.tsx';

export function HomePage() {
  const me = useMe();
  switch (me.account.role) {
    case 'admin':
      return <CountyOverview admin />;
    case 'auditor':
      return <CountyOverview />;
    case 'coordinator':
      return <CoordinatorHome />;
    case 'teacher':
      return <SchoolHome />;
    case 'classroom':
      return <ClassroomHome />;
  }
}

/** A classroom terminal is a big screen in a classroom: its home is the live lesson list, which joins by itself. */
function ClassroomHome() {
  useEffect(() => navigate('/live', { replace: true }), []);
  return <SchoolHome />;
}

function Greeting({ description }: { description?: string }) {
  const t = useT();
  const me = useMe();
  const locale = useLocale();
  const date = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(new Date());
  return <PageHeader title={t('home.greeting', { name: me.account.displayName })} meta={<span className="meta-text">{date}</span>} description={description} />;
}

function Shortcut({ to, icon, title, text, testId }: { to: string; icon: IconName; title: string; text: string; testId?: string }) {
  return (
    <Link to={to} className="shortcut" data-testid={testId}>
      <span className="shortcut-icon">
        <Icon name={icon} size={20} />
      </span>
      <span className="shortcut-text">
        <span className="shortcut-title">{title}</span>
        <span className="shortcut-desc">{text}</span>
      </span>
      <Icon name="chevronRight" size={16} className="shortcut-arrow" />
    </Link>
  );
}

function CommunitiesTable({ list }: { list: CommunitySummary[] | null }) {
  const t = useT();
  const typeLabel = useCommunityTypeLabel();
  const columns: Column<CommunitySummary>[] = [
    { key: 'name', wrap: true, header: t('community.name'), render: (c) => <Link to={`/communities/${c.id}`} className="cell-link">{c.name}</Link> },
    { key: 'type', header: t('community.type'), render: (c) => <Badge tone="blue">{typeLabel(c.typeCode)}</Badge> },
    { key: 'core', wrap: true, header: t('community.coreSchool'), secondary: true, render: (c) => c.coreSchool?.name ?? '—' },
    { key: 'members', header: t('community.memberCount'), align: 'right', render: (c) => <span className="num">{c.memberSchoolCount}</span> },
  ];
  return <Table columns={columns} rows={list ?? undefined} rowKey={(c) => c.id} testId="home-communities" empty={<EmptyState compact icon="communities" title={t('community.none')} />} />;
}

/** Admins and auditors: the county at a glance (communities, coverage, accounts). */
function CountyOverview({ admin }: { admin?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const { list } = useCommunityList();
  const schools = useQuery(api.listSchools, {});
  const types = useCommunityTypes();
  const accounts = useAccountList(Boolean(admin)).list;
  const standing = useStanding();

  const s = schools.data ?? [];
  const inCommunity = s.filter((x) => x.currentCommunity).length;
  const unaffiliated = s.length - inCommunity;
  const coverage = s.length ? Math.round((inCommunity / s.length) * 1000) / 10 : 0;
  const rural = s.filter((x) => x.locality === 'rural');
  const ruralIn = rural.filter((x) => x.currentCommunity).length;
  const newRes = s.filter((x) => x.newResident);
  const newResIn = newRes.filter((x) => x.currentCommunity).length;
  const byType = useMemo(() => {
    const counts = new Map<string, number>();
    for (const c of list ?? []) counts.set(c.typeCode, (counts.get(c.typeCode) ?? 0) + 1);
    return [...counts.entries()];
  }, [list]);

  return (
    <>
      <Greeting description={admin ? t('home.adminIntro') : t('home.auditorIntro')} />
      <div className="stats stats--4">
        <Stat icon="communities" tone="blue" label={t('home.communities')} value={list?.length ?? '–'} to="/communities" testId="stat-communities" hint={t('home.membersTotal', { n: (list ?? []).reduce((n, c) => n + c.memberSchoolCount, 0) })} />
        <Stat icon="school" tone="teal" label={t('home.schools')} value={schools.data ? s.length : '–'} to="/schools" testId="stat-schools" hint={t('home.inCommunity', { n: inCommunity })} />
        <Stat icon="chart" tone="purple" label={t('home.coverage')} value={schools.data ? `${coverage}%` : '–'} hint={t('home.coverageHint')} testId="stat-coverage" />
        {admin ? (
          <Stat icon="accounts" tone="orange" label={t('home.accounts')} value={accounts?.length ?? '–'} to="/accounts" testId="stat-accounts" hint={accounts ? t('home.accountsHint', { coordinators: accounts.filter((a) => a.role === 'coordinator').length, teachers: accounts.filter((a) => a.role === 'teacher').length, terminals: accounts.filter((a) => a.role === 'classroom').length }) : undefined} />
        ) : (
          <Stat icon="link" tone="orange" label={t('home.unaffiliatedTitle')} value={schools.data ? unaffiliated : '–'} to="/schools?unaffiliated=true" hint={t('home.unaffiliatedHint')} />
        )}
      </div>
      <div className="grid-2">
        <Card title={t('home.communitiesTitle')} flush actions={<LinkButton to="/communities" size="sm" variant="ghost">{t('common.viewAll')}</LinkButton>}>
          <CommunitiesTable list={list} />
        </Card>
        <div className="stack">
          {admin && (
            <Card title={t('home.shortcuts')}>
              <div className="shortcuts">
                <Shortcut to="/communities/new" icon="communities" title={t('community.create')} text={t('home.shortcutCreateCommunity')} testId="shortcut-create-community" />
                <Shortcut to="/schools?unaffiliated=true" icon="school" title={t('home.shortcutUnaffiliated')} text={t('home.unaffiliated', { n: unaffiliated })} />
                <Shortcut to="/accounts" icon="accounts" title={t('nav.accounts')} text={t('home.shortcutAccounts')} />
              </div>
            </Card>
          )}
          <Card title={t('home.equityTitle')} subtitle={t('home.equitySubtitle')}>
            <DescriptionList
              items={[
                { label: t('home.ruralSchools'), value: schools.data ? t('home.ofInCommunity', { n: ruralIn, total: rural.length }) : '–' },
                { label: t('school.newResident'), value: schools.data ? t('home.ofInCommunity', { n: newResIn, total: newRes.length }) : '–' },
                ...byType.map(([code, n]) => {
                  const type = types?.find((x) => x.code === code);
                  return { label: type ? localName(locale, type) : code, value: t('home.communityCount', { n }) };
                }),
              ]}
            />
          </Card>
        </div>
      </div>
      <CommunitiesByRisk overview={standing.data} loading={standing.loading} />
      <CountySection />
    </>
  );
}

/** Classrooms and teachers of some schools, counted. */
function useSchoolCounts(schoolIds: readonly string[]) {
  return useAsync(
    schoolIds.length
      ? async () => {
          const per = await Promise.all(
            schoolIds.map(async (id) => {
              const [c, te] = await Promise.all([call(api.listClassrooms, { params: { schoolId: id } }), call(api.listTeachers, { params: { schoolId: id } })]);
              return { id, classrooms: c.ok ? c.data : [], teachers: te.ok ? te.data : [] };
            }),
          );
          return new Map(per.map((p) => [p.id, p]));
        }
      : null,
    [schoolIds.join(',')],
  );
}

/** A coordinator's communities, each with its schools and what they have. */
function CoordinatorHome() {
  const t = useT();
  const me = useMe();
  const { list } = useCommunityList();
  const standing = useStanding();
  const mine = (list ?? []).filter((c) => me.account.communityIds.includes(c.id));
  return (
    <>
      <Greeting description={t('home.coordinatorIntro')} />
      {mine.map((c) => (
        <CommunityYearCard key={c.id} communityId={c.id} name={c.name} progress={standing.data?.communities.find((p) => p.communityId === c.id)} loading={standing.loading} />
      ))}
      {mine.length > 0 && <UpcomingSessions anyVisible />}
      <div className="shortcuts shortcuts--row">
        <Shortcut to="/schools" icon="school" title={t('nav.schools')} text={t('home.shortcutSchools')} />
        <Shortcut to="/accounts" icon="accounts" title={t('nav.accounts')} text={t('home.shortcutCoordinatorAccounts')} />
      </div>
      {list === null ? (
        <Spinner />
      ) : list.length === 0 ? (
        <EmptyState icon="communities" title={t('home.noCommunities')} description={t('home.noCommunitiesText')} />
      ) : (
        mine.map((c) => <CommunityOverviewCard key={c.id} id={c.id} manage />)
      )}
    </>
  );
}

function CommunityOverviewCard({ id, manage }: { id: string; manage?: boolean }) {
  const t = useT();
  const { data } = useCommunity(id);
  const typeLabel = useCommunityTypeLabel();
  const types = useCommunityTypes();
  const today = todayIso();
  const current = (data?.memberships ?? []).filter((m) => membershipStatus(m, today) === 'active');
  const counts = useSchoolCounts(current.map((m) => m.schoolId));
  if (!data) return <Spinner />;
  const requiresDispatch = types?.find((x) => x.code === data.typeCode)?.requiresDispatch;
  const total = (f: (p: { classrooms: { hasJoinTerminal: boolean }[]; teachers: { isBackbone: boolean }[] }) => number) =>
    counts.data ? [...counts.data.values()].reduce((n, p) => n + f(p), 0) : '–';
  const core = current.find((m) => m.role === 'core');
  const coreBackbone = core && counts.data?.get(core.schoolId)?.teachers.filter((x) => x.isBackbone).length;
  return (
    <Card
      testId="community-overview"
      title={<Link to={`/communities/${data.id}`}>{data.name}</Link>}
      subtitle={
        <span className="inline-badges">
          <Badge tone="blue">{typeLabel(data.typeCode)}</Badge>
          {requiresDispatch && <Badge tone="purple">{t('community.requiresDispatch')}</Badge>}
        </span>
      }
      actions={
        manage && (
          <LinkButton to={`/communities/${data.id}`} size="sm" variant="primary" icon="plus">
            {t('community.addMember')}
          </LinkButton>
        )
      }
    >
      <div className="stats stats--inline">
        <Stat icon="school" tone="teal" label={t('home.currentSchools')} value={current.length} hint={t('home.coreAndMembers', { n: current.filter((m) => m.role === 'member').length })} />
        <Stat icon="classroom" tone="blue" label={t('home.terminals')} value={total((p) => p.classrooms.filter((c) => c.hasJoinTerminal).length)} hint={t('home.classroomsTotal', { n: total((p) => p.classrooms.length) })} />
        <Stat icon="teacher" tone="purple" label={t('home.backbone')} value={total((p) => p.teachers.filter((x) => x.isBackbone).length)} hint={t('home.teachersTotal', { n: total((p) => p.teachers.length) })} />
      </div>
      <ul className="school-chips">
        {current.map((m) => (
          <li key={m.id}>
            <Link to={`/schools/${m.schoolId}`} className="school-chip">
              <Badge tone={m.role === 'core' ? 'blue' : 'teal'}>{t(`community.role.${m.role}`)}</Badge>
              <span>{m.schoolName}</span>
            </Link>
          </li>
        ))}
      </ul>
      {requiresDispatch && core && (
        <p className="form-note">{t('home.dispatchNote', { school: core.schoolName, n: coreBackbone ?? '–', members: current.length - 1 })}</p>
      )}
    </Card>
  );
}

/** Teachers and classroom terminals: their school, themselves, their community. */
function SchoolHome() {
  const t = useT();
  const me = useMe();
  const subjectLabel = useSubjectLabel();
  const schoolId = me.schoolId;
  const school = useQuery(api.getSchool, schoolId ? { params: { id: schoolId } } : null);
  const teachers = useQuery(api.listTeachers, schoolId && me.account.role === 'teacher' ? { params: { schoolId } } : null);
  const classrooms = useQuery(api.listClassrooms, schoolId && me.account.role === 'classroom' ? { params: { schoolId } } : null);
  const mine = me.account.role === 'teacher' ? teachers.data?.find((x) => x.id === me.account.teacherId) : undefined;
  const room = me.account.role === 'classroom' ? classrooms.data?.find((x) => x.id === me.account.classroomId) : undefined;
  const s: School | undefined = school.data;

  return (
    <>
      <Greeting description={me.account.role === 'teacher' ? t('home.teacherIntro') : t('home.classroomIntro')} />
      <div className="grid-2">
        <Card title={t('home.mySchool')} testId="my-school" actions={s && <LinkButton to={`/schools/${s.id}`} size="sm" variant="ghost">{t('common.view')}</LinkButton>}>
          {!s ? (
            school.loading ? <Spinner /> : <EmptyState compact icon="school" title={t('home.noSchool')} />
          ) : (
            <DescriptionList
              items={[
                { label: t('school.name'), value: <Link to={`/schools/${s.id}`}>{s.name}</Link> },
                { label: t('school.kind'), value: schoolKind(t, s) },
                {
                  label: t('school.community'),
                  value: s.currentCommunity ? (
                    <span className="cell-stack">
                      <Link to={`/communities/${s.currentCommunity.id}`}>{s.currentCommunity.name}</Link>
                      <Badge tone={s.currentCommunity.role === 'core' ? 'blue' : 'teal'}>{t(`community.role.${s.currentCommunity.role}`)}</Badge>
                    </span>
                  ) : (
                    t('school.noCommunity')
                  ),
                },
              ]}
            />
          )}
        </Card>
        {me.account.role === 'teacher' ? (
          <Card title={t('home.myProfile')} testId="my-profile">
            {mine ? (
              <DescriptionList
                items={[
                  { label: t('teacher.name'), value: mine.name },
                  { label: t('teacher.subjects'), value: mine.subjects.length ? <span className="tags">{mine.subjects.map((c) => <Badge key={c}>{subjectLabel(c)}</Badge>)}</span> : '—' },
                  { label: t('teacher.backbone'), value: mine.isBackbone ? <Badge tone="blue">{t('teacher.backboneYes')}</Badge> : t('common.no') },
                ]}
              />
            ) : (
              <Spinner />
            )}
          </Card>
        ) : (
          <Card title={t('home.myClassroom')} testId="my-classroom">
            {room ? (
              <DescriptionList
                items={[
                  { label: t('classroom.name'), value: room.name },
                  { label: t('classroom.terminal'), value: room.hasJoinTerminal ? <Badge tone="teal">{t('classroom.hasTerminal')}</Badge> : t('classroom.noTerminal') },
                  { label: t('classroom.capacity'), value: room.capacity ?? '—' },
                ]}
              />
            ) : (
              <Spinner />
            )}
          </Card>
        )}
      </div>
      <UpcomingSessions teacherId={me.account.teacherId} classroomId={me.account.classroomId} />
      {me.account.teacherId && <DeliveredThisYear teacherId={me.account.teacherId} />}
      {s?.currentCommunity && <CommunityOverviewCard id={s.currentCommunity.id} />}
    </>
  );
}
