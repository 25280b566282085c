import type { CommunityProgress, QuotaOverview } from '../../../shared/schemas/quotas.ts';
import { api } from '../app/api.ts';
import { Link } from '../app/router.tsx';
import { useQuery } from '../app/useQuery.ts';
import { useLocale, useT } from '../i18n/index.ts';
import { adviceText, pct, ruleName, statusOrder, statusTone } from '../quotas/format.ts';
import { Badge, Card, EmptyState, LinkButton, Spinner, Table, type Column } from '../ui/index.ts';

/** This year's quota standing of the communities the caller sees (one request for all of them). */
export function useStanding() {
  return useQuery(api.quotaOverview, { query: {} });
}

/** Worst first: will miss, at risk, on track, met; then by name. */
const byRisk = (a: CommunityProgress, b: CommunityProgress) => statusOrder[a.status] - statusOrder[b.status] || a.communityName.localeCompare(b.communityName, 'zh-CN');

/**
 * One community's year at a glance on a coordinator's home: the overall status and each
 * rule that applies (done / required, planned), with the quota page's advice for those
 * behind — the same statuses and words as "年度指标".
 */
export function CommunityStanding({ progress }: { progress: CommunityProgress }) {
  const t = useT();
  const locale = useLocale();
  const rules = progress.rules.filter((r) => r.status !== 'not_applicable');
  return (
    <div className="home-standing" data-testid="home-standing" data-community={progress.communityId}>
      <p className="home-standing-head">
        <Badge tone={statusTone[progress.status]}>{t(`quotas.status.${progress.status}`)}</Badge>
        <span className="muted">{t('home.standingYear', { year: progress.academicYear })}</span>
        <Link to={`/quotas/communities/${progress.communityId}`}>{t('home.standingOpen')}</Link>
      </p>
      <ul className="home-standing-rules">
        {rules.map((r) => {
          const advice = adviceText(t, r, progress.rules);
          return (
            <li key={r.ruleId} data-rule={r.ruleId}>
              <span className="home-standing-rule">{ruleName(locale, r)}</span>
              <span className="num">{t('home.standingFigures', { counted: r.counted, required: r.required, planned: r.planned, pct: pct(r) })}</span>
              <Badge tone={statusTone[r.status]}>{t(`quotas.status.${r.status}`)}</Badge>
              {advice && <span className="home-standing-advice">{advice}</span>}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * An auditor's (or administrator's) communities by risk, the one that needs attention
 * most called out above the table.
 */
export function CommunitiesByRisk({ overview, loading }: { overview: QuotaOverview | undefined; loading: boolean }) {
  const t = useT();
  if (!overview) return loading ? <Spinner /> : null;
  const ranked = [...overview.communities].sort(byRisk);
  const first = ranked[0];
  const needy = first && (first.status === 'will_miss' || first.status === 'at_risk') ? first : null;
  const behind = (p: CommunityProgress) => p.rules.filter((r) => r.status === 'will_miss' || r.status === 'at_risk').length;
  const columns: Column<CommunityProgress>[] = [
    { key: 'name', wrap: true, header: t('community.name'), render: (p) => <Link to={`/quotas/communities/${p.communityId}`} className="cell-link">{p.communityName}</Link> },
    { key: 'status', header: t('quotas.overall'), render: (p) => <Badge tone={statusTone[p.status]}>{t(`quotas.status.${p.status}`)}</Badge> },
    { key: 'behind', header: t('home.rulesBehind'), align: 'right', render: (p) => <span className="num">{behind(p)}</span> },
  ];
  return (
    <Card
      title={t('home.byRiskTitle', { year: overview.academicYear })}
      testId="home-by-risk"
      flush
      actions={<LinkButton to="/quotas" size="sm" variant="ghost">{t('common.viewAll')}</LinkButton>}
    >
      {needy && (
        <p className="home-needy" data-testid="home-needy">
          {t('home.needsMost', { name: needy.communityName, status: t(`quotas.status.${needy.status}`), n: behind(needy) })}{' '}
          <Link to={`/quotas/communities/${needy.communityId}`}>{t('home.standingOpen')}</Link>
        </p>
      )}
      <Table columns={columns} rows={ranked} rowKey={(p) => p.communityId} label={t('home.byRiskTitle', { year: overview.academicYear })} empty={<EmptyState compact icon="communities" title={t('quotas.empty')} />} />
    </Card>
  );
}
