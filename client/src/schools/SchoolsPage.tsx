import { useMemo, useState } from 'react';
import type { School } from '../../../shared/schemas/places.ts';
import { api } from '../app/api.ts';
import { localityLabel, stageLabel } from '../app/format.ts';
import { useCounties } from '../app/reference.ts';
import { Link, setQuery, useLocation } from '../app/router.tsx';
import { useMe, usePermissions } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useCommunityList } from '../communities/store.ts';
import { useT } from '../i18n/index.ts';
import { Badge, Button, Card, EmptyState, Icon, LoadError, PageHeader, Select, Table, type Column } from '../ui/index.ts';
import { SchoolDrawer } from './SchoolDrawer.tsx';

export function SchoolsPage() {
  const t = useT();
  const perms = usePermissions();
  const me = useMe();
  const { query } = useLocation();
  const countyId = query.get('county') ?? '';
  const communityId = query.get('community') ?? '';
  const unaffiliated = query.get('unaffiliated') === 'true';
  const counties = useCounties();
  const { list: communities } = useCommunityList();
  const schools = useQuery(api.listSchools, {
    query: { ...(countyId ? { countyId } : {}), ...(communityId ? { communityId } : {}), ...(unaffiliated ? { unaffiliated: 'true' as const } : {}) },
  });
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);

  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? schools.data?.filter((s) => s.name.toLowerCase().includes(f)) : schools.data;
  }, [schools.data, filter]);

  const columns: Column<School>[] = [
    {
      key: 'name',
      wrap: true,
      header: t('school.name'),
      render: (s) => (
        <Link to={`/schools/${s.id}`} className="cell-link" data-testid="school-link">
          {s.name}
        </Link>
      ),
    },
    { key: 'stage', header: t('school.stage'), render: (s) => stageLabel(t, s.stage) },
    { key: 'locality', header: t('school.locality'), render: (s) => <Badge tone={s.locality === 'rural' ? 'green' : 'gray'}>{localityLabel(t, s.locality)}</Badge> },
    {
      key: 'community',
      wrap: true,
      header: t('school.community'),
      render: (s) =>
        s.currentCommunity ? (
          <span className="cell-stack">
            <Link to={`/communities/${s.currentCommunity.id}`}>{s.currentCommunity.name}</Link>
            <Badge tone={s.currentCommunity.role === 'core' ? 'blue' : 'teal'}>{t(`community.role.${s.currentCommunity.role}`)}</Badge>
          </span>
        ) : (
          <span className="muted">{t('school.noCommunity')}</span>
        ),
    },
    { key: 'tags', header: t('school.tags'), secondary: true, render: (s) => (s.newResident ? <Badge tone="orange">{t('school.newResident')}</Badge> : null) },
    {
      key: 'open',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'right',
      width: '88px',
      render: (s) => (
        <Link to={`/schools/${s.id}`} className="row-action">
          {t('common.view')}
          <Icon name="chevronRight" size={14} />
        </Link>
      ),
    },
  ];

  if (schools.error && !schools.data) return <LoadError onRetry={() => void schools.reload()} />;

  return (
    <>
      <PageHeader
        title={t('school.listTitle')}
        description={t('school.listDescription')}
        actions={
          perms.manageSchools && (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="create-school">
              {t('school.create')}
            </Button>
          )
        }
      />
      <Card flush>
        <div className="toolbar">
          <div className="search">
            <Icon name="search" size={16} />
            <input type="search" className="input input--bare" placeholder={t('school.searchPlaceholder')} value={filter} onChange={(e) => setFilter(e.target.value)} aria-label={t('common.search')} />
          </div>
          {(counties?.length ?? 0) > 0 && (
            <Select
              className="toolbar-select"
              value={countyId}
              onChange={(v) => setQuery({ county: v })}
              placeholder={t('school.allCounties')}
              aria-label={t('school.county')}
              options={(counties ?? []).map((c) => ({ value: c.id, label: c.name }))}
              data-testid="filter-county"
            />
          )}
          <Select
            className="toolbar-select"
            value={communityId}
            onChange={(v) => setQuery({ community: v, unaffiliated: null })}
            placeholder={t('school.allCommunities')}
            aria-label={t('school.community')}
            options={(communities ?? []).map((c) => ({ value: c.id, label: c.name }))}
            data-testid="filter-community"
          />
          {!perms.readOnly || me.account.role === 'auditor' ? (
            <label className="toolbar-toggle">
              <input type="checkbox" checked={unaffiliated} onChange={(e) => setQuery({ unaffiliated: e.target.checked ? 'true' : null, community: null })} />
              {t('school.onlyUnaffiliated')}
            </label>
          ) : null}
          <span className="toolbar-count">{schools.data ? t('common.count', { n: rows?.length ?? 0 }) : ''}</span>
        </div>
        <Table
          columns={columns}
          rows={rows}
          loading={schools.loading}
          rowKey={(s) => s.id}
          testId="schools-table"
          label={t('school.listTitle')}
          empty={<EmptyState compact icon="school" title={schools.data?.length ? t('common.noMatches') : t('school.none')} />}
        />
      </Card>
      {creating && <SchoolDrawer onClose={() => setCreating(false)} onSaved={() => void schools.reload()} />}
    </>
  );
}
