import { useMemo, useState } from 'react';
import type { CommunitySummary } from '../../../shared/schemas/communities.ts';
import { useCommunityTypeLabel, useCommunityTypes, useCounties } from '../app/reference.ts';
import { Link } from '../app/router.tsx';
import { usePermissions } from '../app/session.ts';
import { localName, useLocale, useT } from '../i18n/index.ts';
import { Badge, Card, EmptyState, Icon, LinkButton, LoadError, PageHeader, Select, Table, type Column } from '../ui/index.ts';
import { useCommunityList } from './store.ts';

export function CommunitiesPage() {
  const t = useT();
  const locale = useLocale();
  const perms = usePermissions();
  const { list, error, reload } = useCommunityList();
  const types = useCommunityTypes();
  const typeLabel = useCommunityTypeLabel();
  const counties = useCounties();
  const [filter, setFilter] = useState('');
  const [type, setType] = useState('');

  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return list?.filter((c) => (!type || c.typeCode === type) && (!f || c.name.toLowerCase().includes(f) || (c.coreSchool?.name ?? '').toLowerCase().includes(f)));
  }, [list, filter, type]);

  const multiCounty = (counties?.length ?? 0) > 1;
  const columns: Column<CommunitySummary>[] = [
    {
      key: 'name',
      wrap: true,
      header: t('community.name'),
      render: (c) => (
        <Link to={`/communities/${c.id}`} className="cell-link" data-testid="community-link">
          {c.name}
        </Link>
      ),
    },
    { key: 'type', header: t('community.type'), render: (c) => <Badge tone="blue">{typeLabel(c.typeCode)}</Badge> },
    { key: 'core', wrap: true, header: t('community.coreSchool'), render: (c) => c.coreSchool?.name ?? <span className="muted">{t('community.noCore')}</span> },
    { key: 'members', header: t('community.memberCount'), align: 'right', render: (c) => <span className="num">{c.memberSchoolCount}</span> },
    ...(multiCounty ? [{ key: 'county', header: t('school.county'), secondary: true, render: (c: CommunitySummary) => counties?.find((x) => x.id === c.countyId)?.name ?? '' }] : []),
    {
      key: 'open',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'right',
      width: '88px',
      render: (c) => (
        <Link to={`/communities/${c.id}`} className="row-action">
          {t('common.view')}
          <Icon name="chevronRight" size={14} />
        </Link>
      ),
    },
  ];

  if (error && !list) return <LoadError onRetry={() => void reload()} />;

  return (
    <>
      <PageHeader
        title={t('community.listTitle')}
        description={t('community.listDescription')}
        actions={
          perms.createCommunity && (
            <LinkButton to="/communities/new" variant="primary" icon="plus" data-testid="create-community">
              {t('community.create')}
            </LinkButton>
          )
        }
      />
      <Card flush>
        <div className="toolbar">
          <div className="search">
            <Icon name="search" size={16} />
            <input type="search" className="input input--bare" placeholder={t('community.searchPlaceholder')} value={filter} onChange={(e) => setFilter(e.target.value)} aria-label={t('common.search')} />
          </div>
          <Select
            className="toolbar-select"
            value={type}
            onChange={setType}
            placeholder={t('community.allTypes')}
            aria-label={t('community.type')}
            options={(types ?? []).map((x) => ({ value: x.code, label: localName(locale, x) }))}
          />
          <span className="toolbar-count">{list ? t('common.count', { n: rows?.length ?? 0 }) : ''}</span>
        </div>
        <Table
          columns={columns}
          rows={rows}
          rowKey={(c) => c.id}
          testId="communities-table"
          label={t('community.listTitle')}
          empty={<EmptyState compact icon="communities" title={list?.length ? t('common.noMatches') : t('community.none')} description={list?.length ? undefined : perms.createCommunity ? t('community.noneAdmin') : undefined} />}
        />
      </Card>
    </>
  );
}
