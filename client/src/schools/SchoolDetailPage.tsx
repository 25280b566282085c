import { useState } from 'react';
import type { Classroom, School, Teacher } from '../../../shared/schemas/places.ts';
import { api } from '../app/api.ts';
import { localityLabel, stageLabel } from '../app/format.ts';
import { useCountyName, useSubjectLabel } from '../app/reference.ts';
import { Link, type RouteProps } from '../app/router.tsx';
import { useMe } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Badge, Button, Card, EmptyState, LoadError, NotFoundState, PageHeader, Spinner, Stat, Table, type Column } from '../ui/index.ts';
import { ClassroomDrawer } from './ClassroomDrawer.tsx';
import { SchoolDrawer } from './SchoolDrawer.tsx';
import { TeacherDrawer } from './TeacherDrawer.tsx';
import { ResourcesCard } from './ResourcesCard.tsx';

/** The server says what the caller may do with the school; edit controls follow it (and it checks again). */
export function useCanManageSchool(school: School | undefined): boolean {
  return school?.access === 'manage';
}

type Editing = { kind: 'school' } | { kind: 'classroom'; classroom?: Classroom } | { kind: 'teacher'; teacher?: Teacher } | null;

export function SchoolDetailPage({ params }: RouteProps) {
  const id = params['schoolId']!;
  const t = useT();
  const me = useMe();
  const school = useQuery(api.getSchool, { params: { id } });
  const classrooms = useQuery(api.listClassrooms, { params: { schoolId: id } });
  const teachers = useQuery(api.listTeachers, { params: { schoolId: id } });
  const canManage = useCanManageSchool(school.data);
  const subjectLabel = useSubjectLabel();
  const countyName = useCountyName();
  const [editing, setEditing] = useState<Editing>(null);
  const close = () => setEditing(null);

  if (school.loading && !school.data) return <Spinner />;
  if (school.status === 404) return <NotFoundState backTo="/schools" backLabel={t('school.backToList')} />;
  if (!school.data) return <LoadError onRetry={() => void school.reload()} />;
  const s = school.data;

  const classroomColumns: Column<Classroom>[] = [
    { key: 'name', wrap: true, header: t('classroom.name'), render: (c) => <span className="strong">{c.name}</span> },
    {
      key: 'terminal',
      header: t('classroom.terminal'),
      render: (c) => (c.hasJoinTerminal ? <Badge tone="teal">{t('classroom.hasTerminal')}</Badge> : <span className="muted">{t('classroom.noTerminal')}</span>),
    },
    { key: 'capacity', header: t('classroom.capacity'), align: 'right', render: (c) => (c.capacity ? <span className="num">{c.capacity}</span> : <span className="muted">—</span>) },
    ...(canManage
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">{t('common.actions')}</span>,
            align: 'right' as const,
            width: '90px',
            render: (c: Classroom) => (
              <Button size="sm" variant="ghost" icon="edit" onClick={() => setEditing({ kind: 'classroom', classroom: c })} data-testid="edit-classroom">
                {t('common.edit')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  const teacherColumns: Column<Teacher>[] = [
    {
      key: 'name',
      header: t('teacher.name'),
      render: (x) => (
        <span className="cell-stack">
          <span className="strong">{x.name}</span>
          {me.account.teacherId === x.id && <Badge tone="purple">{t('common.me')}</Badge>}
        </span>
      ),
    },
    {
      key: 'subjects',
      wrap: true,
      header: t('teacher.subjects'),
      render: (x) => (x.subjects.length ? <span className="tags">{x.subjects.map((c) => <Badge key={c}>{subjectLabel(c)}</Badge>)}</span> : <span className="muted">—</span>),
    },
    { key: 'backbone', header: t('teacher.backbone'), render: (x) => (x.isBackbone ? <Badge tone="blue">{t('teacher.backboneYes')}</Badge> : <span className="muted">—</span>) },
    ...(canManage
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">{t('common.actions')}</span>,
            align: 'right' as const,
            width: '90px',
            render: (x: Teacher) => (
              <Button size="sm" variant="ghost" icon="edit" onClick={() => setEditing({ kind: 'teacher', teacher: x })} data-testid="edit-teacher">
                {t('common.edit')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  const terminals = classrooms.data?.filter((c) => c.hasJoinTerminal).length ?? 0;
  const backbone = teachers.data?.filter((x) => x.isBackbone).length ?? 0;

  return (
    <>
      <PageHeader
        breadcrumbs={[{ label: t('school.listTitle'), to: '/schools' }, { label: s.name }]}
        title={s.name}
        meta={
          <>
            <Badge tone="gray">{stageLabel(t, s.stage)}</Badge>
            <Badge tone={s.locality === 'rural' ? 'green' : 'gray'}>{localityLabel(t, s.locality)}</Badge>
            {s.newResident && <Badge tone="orange">{t('school.newResident')}</Badge>}
            {me.schoolId === s.id && <Badge tone="purple">{t('school.mine')}</Badge>}
            {countyName(s.countyId) && <span className="meta-text">{countyName(s.countyId)}</span>}
          </>
        }
        actions={
          canManage && (
            <Button icon="edit" onClick={() => setEditing({ kind: 'school' })} data-testid="edit-school">
              {t('school.edit')}
            </Button>
          )
        }
      />

      <div className="stats">
        <Stat
          icon="communities"
          tone="blue"
          label={t('school.community')}
          value={
            s.currentCommunity ? (
              <span className="stat-value--text">
                <Link to={`/communities/${s.currentCommunity.id}`}>{s.currentCommunity.name}</Link>
              </span>
            ) : (
              <span className="stat-value--text muted">{t('school.noCommunity')}</span>
            )
          }
          hint={s.currentCommunity ? t(`community.role.${s.currentCommunity.role}`) : undefined}
        />
        <Stat icon="classroom" tone="teal" label={t('classroom.title')} value={classrooms.data?.length ?? '–'} hint={t('classroom.terminalCount', { n: terminals })} />
        <Stat icon="teacher" tone="purple" label={t('teacher.title')} value={teachers.data?.length ?? '–'} hint={t('teacher.backboneCount', { n: backbone })} />
      </div>

      <Card
        title={t('classroom.title')}
        subtitle={t('classroom.subtitle')}
        flush
        testId="classrooms"
        actions={
          canManage && (
            <Button size="sm" variant="primary" icon="plus" onClick={() => setEditing({ kind: 'classroom' })} data-testid="add-classroom">
              {t('classroom.add')}
            </Button>
          )
        }
      >
        <Table
          columns={classroomColumns}
          rows={classrooms.data}
          rowKey={(c) => c.id}
          testId="classrooms-table"
          label={t('classroom.title')}
          empty={<EmptyState compact icon="classroom" title={t('classroom.none')} />}
        />
      </Card>

      <Card
        title={t('teacher.title')}
        subtitle={t('teacher.subtitle')}
        flush
        testId="teachers"
        actions={
          canManage && (
            <Button size="sm" variant="primary" icon="plus" onClick={() => setEditing({ kind: 'teacher' })} data-testid="add-teacher">
              {t('teacher.add')}
            </Button>
          )
        }
      >
        <Table columns={teacherColumns} rows={teachers.data} rowKey={(x) => x.id} testId="teachers-table" label={t('teacher.title')} empty={<EmptyState compact icon="teacher" title={t('teacher.none')} />} />
      </Card>

      {(me.account.role === 'admin' || me.account.role === 'auditor') && <ResourcesCard schoolId={s.id} />}

      {editing?.kind === 'school' && <SchoolDrawer school={s} onClose={close} onSaved={(x) => school.setData(x)} />}
      {editing?.kind === 'classroom' && <ClassroomDrawer schoolId={s.id} classroom={editing.classroom} onClose={close} onSaved={() => void classrooms.reload()} />}
      {editing?.kind === 'teacher' && <TeacherDrawer schoolId={s.id} teacher={editing.teacher} onClose={close} onSaved={() => void teachers.reload()} />}
    </>
  );
}
