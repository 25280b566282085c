import { useState } from 'react';
import type { Community, Membership } from '../../../shared/schemas/communities.ts';
import { membershipStatus, membershipTone, todayIso } from '../app/format.ts';
import { useCommunityTypes, useCountyName } from '../app/reference.ts';
import { Link, type RouteProps } from '../app/router.tsx';
import { useMe } from '../app/session.ts';
import { localName, useLocale, useT } from '../i18n/index.ts';
import { Alert, Badge, Button, Card, DescriptionList, Icon, LoadError, NotFoundState, PageHeader, Spinner, Stat, Table, type Column } from '../ui/index.ts';
import { AddMemberDrawer } from './AddMemberDrawer.tsx';
import { EditCommunityDrawer } from './EditCommunityDrawer.tsx';
import { EndMembershipDialog, RemoveMembershipDialog } from './MembershipDialogs.tsx';
import { useCommunity } from './store.ts';
import { StrandedLessons } from './StrandedLessons.tsx';

/** Whether the signed-in user may change this community (the server decides again). */
/** The server says what the caller may do with the community; edit controls follow it (and it checks again). */
export function useCanManageCommunity(community: { access: 'read' | 'manage' } | undefined): boolean {
  return community?.access === 'manage';
}

export function CommunityDetailPage({ params }: RouteProps) {
  const id = params['communityId']!;
  const t = useT();
  const { data, status, loading, reload } = useCommunity(id);
  if (loading) return <Spinner />;
  if (status === 404) return <NotFoundState backTo="/communities" backLabel={t('community.backToList')} />;
  if (!data) return <LoadError onRetry={() => void reload()} />;
  return <CommunityView community={data} />;
}

type Dialog = { kind: 'edit' } | { kind: 'add' } | { kind: 'end'; membership: Membership } | { kind: 'remove'; membership: Membership } | null;

function CommunityView({ community }: { community: Community }) {
  const t = useT();
  const locale = useLocale();
  const me = useMe();
  const canManage = useCanManageCommunity(community);
  const isAdmin = me.account.role === 'admin';
  const types = useCommunityTypes();
  const countyName = useCountyName();
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);

  const type = types?.find((x) => x.code === community.typeCode);
  const today = todayIso();
  const current = community.memberships.filter((m) => membershipStatus(m, today) === 'active');
  const core = current.find((m) => m.role === 'core');
  const members = current.filter((m) => m.role === 'member');
  const past = community.memberships.filter((m) => membershipStatus(m, today) === 'ended').length;
  const mayChange = (m: Membership) => canManage && (m.role === 'member' || isAdmin);

  const columns: Column<Membership>[] = [
    {
      key: 'school',
      wrap: true,
      header: t('community.school'),
      render: (m) => (
        <Link to={`/schools/${m.schoolId}`} className="cell-link">
          {m.schoolName}
        </Link>
      ),
    },
    { key: 'role', header: t('community.role'), render: (m) => <Badge tone={m.role === 'core' ? 'blue' : 'teal'}>{t(`community.role.${m.role}`)}</Badge> },
    { key: 'from', header: t('community.validFrom'), render: (m) => <span className="num">{m.validFrom}</span> },
    { key: 'to', header: t('community.validTo'), render: (m) => (m.validTo ? <span className="num">{m.validTo}</span> : <span className="muted">—</span>) },
    {
      key: 'status',
      header: t('community.status'),
      render: (m) => {
        const s = membershipStatus(m, today);
        return <Badge tone={membershipTone[s]}>{t(`community.status.${s}`)}</Badge>;
      },
    },
    ...(canManage
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">{t('common.actions')}</span>,
            align: 'right' as const,
            render: (m: Membership) =>
              mayChange(m) ? (
                <span className="row-actions">
                  <Button size="sm" variant="ghost" icon="calendarOff" onClick={() => setDialog({ kind: 'end', membership: m })} data-testid="end-membership">
                    {m.validTo ? t('community.changeValidTo') : t('community.endMembership')}
                  </Button>
                  <Button size="sm" variant="ghost" icon="trash" onClick={() => setDialog({ kind: 'remove', membership: m })} title={t('community.removeMembership')} aria-label={t('community.removeMembership')} />
                </span>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        breadcrumbs={[{ label: t('community.listTitle'), to: '/communities' }, { label: community.name }]}
        title={community.name}
        meta={
          <>
            <Badge tone="blue">{type ? localName(locale, type) : community.typeCode}</Badge>
            {type?.requiresDispatch && <Badge tone="purple">{t('community.requiresDispatch')}</Badge>}
            {countyName(community.countyId) && (
              <span className="meta-text">
                <Icon name="school" size={14} /> {countyName(community.countyId)}
              </span>
            )}
          </>
        }
        description={community.description || undefined}
        actions={
          canManage && (
            <>
              <Button icon="edit" onClick={() => setDialog({ kind: 'edit' })} data-testid="edit-community">
                {t('common.edit')}
              </Button>
              <Button variant="primary" icon="plus" onClick={() => setDialog({ kind: 'add' })} data-testid="add-member">
                {t('community.addMember')}
              </Button>
            </>
          )
        }
      />

      <div className="stats">
        <Stat icon="star" tone="blue" label={t('community.coreSchool')} value={core ? <span className="stat-value--text">{core.schoolName}</span> : '—'} />
        <Stat icon="school" tone="teal" label={t('community.currentMembers')} value={members.length} hint={past ? t('community.pastMembers', { n: past }) : undefined} testId="member-count" />
        <Stat icon="accounts" tone="purple" label={t('community.coordinators')} value={community.coordinators.length} hint={community.coordinators.map((c) => c.displayName).join('、') || t('community.noCoordinator')} />
      </div>

      {type?.requiresDispatch && members.length > 0 && (
        <Alert tone="info" title={t('community.dispatchTitle')}>
          {t('community.dispatchText', { n: members.length })}
        </Alert>
      )}

      <Card title={t('community.membersTitle')} subtitle={t('community.membersSubtitle')} flush testId="memberships">
        <Table
          columns={columns}
          rows={community.memberships}
          rowKey={(m) => m.id}
          muted={(m) => membershipStatus(m, today) === 'ended'}
          label={t('community.membersTitle')}
          testId="memberships-table"
        />
      </Card>

      <StrandedLessons community={community} canManage={canManage} />

      <Card title={t('community.detailsTitle')}>
        <DescriptionList
          items={[
            { label: t('community.type'), value: type ? `${localName(locale, type)}${type.requiresDispatch ? ` · ${t('community.requiresDispatch')}` : ''}` : community.typeCode },
            { label: t('community.description'), value: community.description || <span className="muted">{t('common.none')}</span> },
            { label: t('community.coordinators'), value: community.coordinators.map((c) => c.displayName).join('、') || <span className="muted">{t('community.noCoordinator')}</span> },
          ]}
        />
      </Card>

      {dialog?.kind === 'edit' && <EditCommunityDrawer community={community} onClose={close} />}
      {dialog?.kind === 'add' && <AddMemberDrawer community={community} onClose={close} />}
      {dialog?.kind === 'end' && <EndMembershipDialog community={community} membership={dialog.membership} onClose={close} />}
      {dialog?.kind === 'remove' && <RemoveMembershipDialog community={community} membership={dialog.membership} onClose={close} />}
    </>
  );
}
