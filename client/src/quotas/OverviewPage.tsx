import { useMemo, useState } from 'react';
import type { CommunityProgress } from '../../../shared/schemas/quotas.ts';
import type { QuotaStatus } from '../../../shared/quotas/rules.ts';
import { localDateTime } from '../app/format.ts';
import { api } from '../app/api.ts';
import { Link, setQuery, useLocation } from '../app/router.tsx';
import { useRole } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useLocale, useT } from '../i18n/index.ts';
import { Badge, Card, EmptyState, Icon, LoadError, PageHeader, Segmented, Select, Stat, Table } from '../ui/index.ts';
import { pct, ruleName, statusOrder, statusTone, STATUSES } from './format.ts';
import { useLiveProgress, useQuotaLive, useQuotaSocket } from './live.ts';
import './quotas.css';

type Sort = 'status' | 'name' | 'lessons';

/**
 * Coordinators: their communities. Auditors: every community of the county, with the
 * city and province roll-ups, sortable and filterable by status. Admins: everything.
 * Progress updates live (Socket.IO) without a reload.
 */
export function QuotaOverviewPage() {
  const t = useT();
  const role = useRole();
  const { query } = useLocation();
  const academicYear = query.get('year') ?? undefined;
  const status = (query.get('status') ?? '') as QuotaStatus | '';
  const [sort, setSort] = useState<Sort>('status');
  useQuotaSocket();
  const overview = useQuery(api.quotaOverview, { query: academicYear ? { academicYear } : {} });
  const liveVersion = useQuotaLive((s) => s.version);
  const liveById = useQuotaLive((s) => s.byCommunity);
  const data = overview.data;

  const rows = useMemo(() => {
    const merged = (data?.communities ?? []).map((p) => {
      const live = liveById[p.communityId];
      return live && live.academicYear === p.academicYear && !p.frozen && live.computedAt >= p.computedAt ? live : p;
    });
    const filtered = status ? merged.filter((p) => p.status === status) : merged;
    const lessons = (p: CommunityProgress) => pct(p.rules.find((r) => r.metric === 'sync_lessons') ?? { counted: 0, required: 0 });
    return [...filtered].sort((a, b) =>
      sort === 'name' ? a.communityName.localeCompare(b.communityName, 'zh-CN') : sort === 'lessons' ? lessons(a) - lessons(b) : statusOrder[a.status] - statusOrder[b.status] || a.communityName.localeCompare(b.communityName, 'zh-CN'),
    );
    // liveVersion: re-derive on every live update
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, liveById, liveVersion, status, sort]);

  if (overview.error && !data) return <LoadError onRetry={() => void overview.reload()} />;
  const auditorView = role === 'auditor' || role === 'admin';
  const counts = Object.fromEntries(STATUSES.map((s) => [s, (data?.communities ?? []).filter((p) => (liveById[p.communityId] ?? p).status === s).length])) as Record<QuotaStatus, number>;
  const ruleIds = data?.communities[0]?.rules.map((r) => r) ?? [];
  const reportUrl = (format: string) => `/api/quotas/report?${new URLSearchParams({ format, ...(data ? { academicYear: data.academicYear } : {}) })}`;

  return (
    <>
      <PageHeader
        title={t('quotas.title')}
        description={t(auditorView ? 'quotas.description.auditor' : 'quotas.description.coordinator')}
        meta={data && <span className="muted">{t('quotas.today', { date: data.today })}</span>}
        actions={
          <div className="q-actions">
            {data && data.years.length > 1 && (
              <Select value={data.academicYear} onChange={(y) => setQuery({ year: y })} options={data.years.map((y) => ({ value: y.label, label: y.label }))} aria-label={t('quotas.year')} />
            )}
            {auditorView && (
              <span className="q-exports">
                <a className="btn btn--secondary btn--sm" href={reportUrl('xlsx')} data-testid="export-xlsx">{t('quotas.export.xlsx')}</a>
                <a className="btn btn--secondary btn--sm" href={reportUrl('csv')}>{t('quotas.export.csv')}</a>
                <a className="btn btn--secondary btn--sm" href={reportUrl('html')} target="_blank" rel="noreferrer">{t('quotas.export.html')}</a>
              </span>
            )}
          </div>
        }
      />
      <LiveNotice />
      <div className="stats">
        {(['will_miss', 'at_risk', 'on_track', 'met'] as const).map((s) => (
          <Stat key={s} label={t(`quotas.status.${s}`)} value={counts[s] ?? 0} tone={s === 'met' ? 'teal' : s === 'on_track' ? 'blue' : s === 'at_risk' ? 'orange' : 'purple'} testId={`stat-${s}`} />
        ))}
      </div>
      {data?.closures.filter((c) => !c.reopenedAt).map((c) => (
        <p key={c.id} className="q-frozen">
          <Icon name="lock" size={14} /> {c.countyName} · {t('quotas.frozen', { date: localDateTime(c.closedAt).slice(0, 10) })}
          {role === 'admin' && <> · <Link to={`/quota-rules?${new URLSearchParams({ tab: 'closures', year: c.academicYear })}`}>{t('rules.manageClosures')}</Link></>}
        </p>
      ))}
      <Card flush>
        <div className="toolbar">
          <Select value={status} onChange={(s) => setQuery({ status: s })} options={[{ value: '', label: t('quotas.allStatuses') }, ...STATUSES.map((s) => ({ value: s, label: t(`quotas.status.${s}`) }))]} aria-label={t('quotas.filterStatus')} />
          <Segmented<Sort> value={sort} onChange={setSort} label={t('quotas.sortBy')} size="sm" options={[{ value: 'status', label: t('quotas.sort.status') }, { value: 'name', label: t('quotas.sort.name') }, { value: 'lessons', label: t('quotas.sort.lessons') }]} />
        </div>
        <Table
          testId="quota-overview"
          rows={data ? rows : undefined}
          loading={overview.loading && !data}
          rowKey={(p) => p.communityId}
          empty={<EmptyState title={t('quotas.empty')} compact />}
          columns={[
            { key: 'name', header: t('quotas.community'), wrap: true, render: (p) => <Link to={`/quotas/communities/${p.communityId}${data ? `?year=${data.academicYear}` : ''}`}>{p.communityName}</Link> },
            ...(auditorView ? [{ key: 'county', header: t('quotas.county'), secondary: true, render: (p: CommunityProgress) => p.countyName }] : []),
            ...ruleIds.map((r) => ({ key: r.ruleId, header: <RuleHeader ruleId={r.ruleId} nameZh={r.nameZh} nameEn={r.nameEn} />, align: 'center' as const, render: (p: CommunityProgress) => <RuleCell p={p} ruleId={r.ruleId} /> })),
            { key: 'status', header: t('quotas.overall'), render: (p) => <Badge tone={statusTone[p.status]}>{t(`quotas.status.${p.status}`)}</Badge> },
          ]}
        />
      </Card>
      {auditorView && data && data.rollups.length > 0 && (
        <Card title={t('quotas.rollups')} flush>
          <Table
            testId="quota-rollups"
            rows={data.rollups}
            rowKey={(r) => `${r.level}|${r.key}`}
            columns={[
              { key: 'level', header: '', render: (r) => t(`quotas.level.${r.level}`) },
              { key: 'name', header: '', render: (r) => r.name },
              { key: 'n', header: t('quotas.communities'), align: 'right', render: (r) => r.communities },
              ...(['met', 'on_track', 'at_risk', 'will_miss'] as const).map((s) => ({ key: s, header: t(`quotas.status.${s}`), align: 'right' as const, render: (r: (typeof data.rollups)[number]) => r.byStatus[s] })),
            ]}
          />
        </Card>
      )}
    </>
  );
}

function RuleHeader({ ruleId, nameZh, nameEn }: { ruleId: string; nameZh: string; nameEn: string }) {
  const locale = useLocale();
  return (
    <span className="q-rule-head" title={ruleId}>
      {ruleName(locale, { nameZh, nameEn })}
      <small className="muted q-id">{ruleId}</small>
    </span>
  );
}

function RuleCell({ p, ruleId }: { p: CommunityProgress; ruleId: string }) {
  const t = useT();
  const r = p.rules.find((x) => x.ruleId === ruleId);
  if (!r || r.status === 'not_applicable') return <span className="muted">—</span>;
  return (
    <span className={`q-cell q-cell--${r.status}`} title={t(`quotas.status.${r.status}`)} data-rule={ruleId}>
      {r.counted}/{r.required}
    </span>
  );
}

/** A short line when a live update arrived. */
export function LiveNotice() {
  const t = useT();
  const connected = useQuotaLive((s) => s.connected);
  const last = useQuotaLive((s) => s.lastUpdate);
  return (
    <p className="q-live" aria-live="polite" data-testid="quota-live" data-connected={connected ? 'true' : 'false'}>
      <span className={`q-dot${connected ? ' q-dot--on' : ''}`} /> {t('quotas.live')}
      {last && <span className="muted"> · {t('quotas.updated', { name: last.name })} {new Date(last.at).toLocaleTimeString()}</span>}
    </p>
  );
}

export { useLiveProgress };
