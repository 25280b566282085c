import { useEffect, useMemo, useRef, useState } from 'react';
import { regionLevelOrder, regionParts } from '../../../shared/quotas/regions.ts';
import type { QuotaRule } from '../../../shared/quotas/rules.ts';
import type { QuotaRuleSet } from '../../../shared/schemas/quotas.ts';
import type { County } from '../../../shared/schemas/places.ts';
import { api } from '../app/api.ts';
import { localDateTime, todayIso } from '../app/format.ts';
import { useCommunityTypeLabel, useCounties, useSubjectLabel } from '../app/reference.ts';
import { setQuery, useLocation } from '../app/router.tsx';
import { useRole } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useLocale, useT, type Translate } from '../i18n/index.ts';
import { Alert, Badge, Button, Card, EmptyState, LinkButton, LoadError, PageHeader, Segmented, Select, Table, type Column } from '../ui/index.ts';
import { ClosuresPanel } from './ClosuresPanel.tsx';
import { regionLabel, ruleName, ruleSetLabel, ruleSetNote, versionTag } from './format.ts';
import { changeText, diffRules, newestOf, nextYear, previousVersion, yearOfDate } from './ruleSets.ts';
import './quotas.css';

type Tab = 'rules' | 'closures';

/** The year containing today (from the calendar, else by the September start). */
export function useYearChoices(sets: readonly QuotaRuleSet[] | undefined) {
  const years = useQuery(api.listAcademicYears, {});
  return useMemo(() => {
    const today = todayIso();
    const calendar = years.data ?? [];
    const current = calendar.find((y) => y.startsOn <= today && today <= y.endsOn)?.label ?? yearOfDate(today);
    const labels = new Set<string>([...calendar.map((y) => y.label), ...(sets ?? []).map((s) => s.academicYear), current]);
    const newest = [...labels].sort().at(-1)!;
    labels.add(nextYear(newest));
    return { current, labels: [...labels].sort().reverse(), calendar: calendar.map((y) => y.label).sort().reverse(), loaded: years.data !== undefined };
  }, [years.data, sets]);
}

/** "区县 / 市 / 省" of a region; '' for the platform default (its name says it). */
export function levelLabel(t: Translate, region: string): string {
  const { level } = regionParts(region);
  return level === 'default' ? '' : t(`quotas.level.${level}`);
}

export const countyNameOf = (counties: readonly County[] | null) => (code: string) => counties?.find((c) => c.code === code)?.name;

/**
 * `/quota-rules` (issue #5): quota rule sets by region and academic year with every
 * version and what each changed; which set judges a county; and closing a year.
 * Admins create versions and close / reopen years; auditors and coordinators read.
 */
export function QuotaRulesPage() {
  const t = useT();
  const role = useRole();
  const admin = role === 'admin';
  const { query } = useLocation();
  const tab: Tab = query.get('tab') === 'closures' ? 'closures' : 'rules';
  const sets = useQuery(api.listQuotaRuleSets, { query: {} });
  const choices = useYearChoices(sets.data);
  const year = query.get('year') ?? choices.current;

  if (sets.error && !sets.data) return <LoadError onRetry={() => void sets.reload()} />;
  return (
    <>
      <PageHeader
        title={t('rules.title')}
        description={t('rules.description')}
        actions={
          <div className="q-actions">
            <Select value={year} onChange={(y) => setQuery({ year: y })} options={choices.labels.map((y) => ({ value: y, label: y }))} aria-label={t('quotas.year')} data-testid="rules-year" />
            {admin && tab === 'rules' && (
              <LinkButton to={`/quota-rules/new?${new URLSearchParams({ year })}`} variant="primary" icon="plus" data-testid="new-rule-set">
                {t('rules.new.title')}
              </LinkButton>
            )}
          </div>
        }
      />
      <div className="qr-tabs">
        <Segmented<Tab>
          value={tab}
          onChange={(v) => setQuery({ tab: v === 'rules' ? null : v })}
          label={t('rules.title')}
          options={[
            { value: 'rules', label: t('rules.tab.rules') },
            { value: 'closures', label: t('rules.closures') },
          ]}
        />
        {!admin && <span className="muted">{t('rules.readOnly')}</span>}
      </div>
      {tab === 'rules' ? <RulesTab sets={sets.data} year={year} admin={admin} /> : <ClosuresPanel year={year} years={choices.calendar.length ? choices.calendar : choices.labels} admin={admin} />}
    </>
  );
}

function RulesTab({ sets, year, admin }: { sets: QuotaRuleSet[] | undefined; year: string; admin: boolean }) {
  const t = useT();
  const counties = useCounties();
  const regions = useMemo(() => {
    const ofYear = (sets ?? []).filter((s) => s.academicYear === year);
    const names = [...new Set(ofYear.map((s) => s.region))];
    const name = countyNameOf(counties);
    return names
      .map((region) => ({ region, label: regionLabel(t, region, name), versions: ofYear.filter((s) => s.region === region).sort((a, b) => b.version - a.version) }))
      .sort((a, b) => regionLevelOrder[regionParts(a.region).level] - regionLevelOrder[regionParts(b.region).level] || a.label.localeCompare(b.label, 'zh-CN'));
  }, [sets, year, counties, t]);

  return (
    <>
      <ClosedYearNotice year={year} />
      <ResolveCard year={year} sets={sets} />
      {sets === undefined ? (
        <Card>
          <EmptyState title={t('common.loading')} compact />
        </Card>
      ) : regions.length === 0 ? (
        <Card>
          <EmptyState
            title={t('rules.yearEmpty', { year })}
            compact
            action={admin && <LinkButton to={`/quota-rules/new?${new URLSearchParams({ year })}`} variant="primary" icon="plus">{t('rules.new.title')}</LinkButton>}
          />
        </Card>
      ) : (
        regions.map((r) => <RegionCard key={r.region} region={r.region} label={r.label} versions={r.versions} all={sets} admin={admin} />)
      )}
    </>
  );
}

/** A closed year keeps the numbers and rule version it was frozen with, whatever versions come later. */
function ClosedYearNotice({ year }: { year: string }) {
  const t = useT();
  const closures = useQuery(api.listYearClosures, { query: { academicYear: year } });
  const open = (closures.data ?? []).filter((c) => !c.reopenedAt);
  if (!open.length) return null;
  return (
    <Alert tone="warning" title={t('rules.closedYearTitle', { year })} testId="rules-closed-year">
      <ul className="qr-changes">
        {open.map((c) => (
          <li key={c.id}>{t('rules.closedYearLine', { county: c.countyName, year: c.academicYear, time: localDateTime(c.closedAt) })}</li>
        ))}
      </ul>
    </Alert>
  );
}

/** Which rule set judges a county's communities in the year, and the regions looked at on the way. */
function ResolveCard({ year, sets }: { year: string; sets: QuotaRuleSet[] | undefined }) {
  const t = useT();
  const counties = useCounties();
  const [picked, setPicked] = useState('');
  const countyId = picked || counties?.[0]?.id || '';
  const county = counties?.find((c) => c.id === countyId);
  const res = useQuery(api.resolveQuotaRuleSet, countyId ? { query: { countyId, academicYear: year } } : null);
  const name = countyNameOf(counties);
  const r = res.data;
  return (
    <Card title={t('rules.resolve.title')} subtitle={t('rules.resolve.subtitle')} testId="rules-resolution">
      <div className="qr-resolve">
        {counties && counties.length > 1 && (
          <Select value={countyId} onChange={setPicked} options={counties.map((c) => ({ value: c.id, label: c.name }))} aria-label={t('quotas.county')} className="toolbar-select" data-testid="resolve-county" />
        )}
        {county && r && (
          <p className="qr-resolve-answer" data-testid="resolve-answer">
            {r.ruleSet
              ? t('rules.resolve.judgedBy', { county: county.name, year: r.academicYear, ruleSet: ruleSetLabel(t, r.ruleSet, name) })
              : t('rules.resolve.none', { county: county.name, year: r.academicYear })}
          </p>
        )}
        {county && res.status === 404 && <p className="muted">{t('rules.resolve.noCalendar', { year })}</p>}
        {county && res.error && res.status !== 404 && <p className="muted">{t('errors.loadFailed')}</p>}
      </div>
      {r && (
        <ol className="qr-chain" aria-label={t('rules.resolve.subtitle')}>
          {r.tried.map((region) => {
            const newest = newestOf(sets ?? [], region, r.academicYear);
            const used = r.ruleSet?.region === region;
            return (
              <li key={region} className={used ? 'is-used' : newest ? 'has-rules' : 'is-empty'} data-region={region}>
                <span className="qr-chain-name">{regionLabel(t, region, name)}</span>
                {levelLabel(t, region) && <span className="muted"> · {levelLabel(t, region)}</span>}
                <span className="qr-chain-state">{used ? <Badge tone="green">{t('rules.resolve.used')} {versionTag(t, r.ruleSet!.version)}</Badge> : newest ? versionTag(t, newest.version) : t('rules.resolve.missing')}</span>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}

/** One region's rules for the year: its versions (newest first, what each changed) and the rules of one of them. */
function RegionCard({ region, label, versions, all, admin }: { region: string; label: string; versions: QuotaRuleSet[]; all: QuotaRuleSet[]; admin: boolean }) {
  const t = useT();
  const current = versions[0]!;
  const [shownId, setShown] = useState<string | null>(null);
  // Just saved a version of this region: bring it into view.
  const focused = useLocation().query.get('focus') === region;
  const anchor = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focused) anchor.current?.scrollIntoView({ block: 'start' });
  }, [focused]);
  const shown = versions.find((v) => v.id === shownId) ?? current;
  const columns: Column<QuotaRuleSet>[] = [
    {
      key: 'version',
      header: t('rules.version'),
      render: (v) => (
        <span className="inline-badges">
          <strong>{versionTag(t, v.version)}</strong>
          {v.current && <Badge tone="green">{t('rules.current')}</Badge>}
        </span>
      ),
    },
    {
      key: 'changes',
      header: t('rules.changes'),
      wrap: true,
      render: (v) => {
        const prev = previousVersion(all, v);
        if (!prev) return <span className="muted">{t('rules.firstVersion')}</span>;
        const changes = diffRules(prev.rules, v.rules);
        return changes.length ? (
          <ul className="qr-changes">
            {changes.map((c, i) => (
              <li key={i}>{changeText(t, c)}</li>
            ))}
          </ul>
        ) : (
          <span className="muted">{t('rules.noChanges')}</span>
        );
      },
    },
    { key: 'note', header: t('rules.note'), wrap: true, secondary: true, render: (v) => (v.note ? ruleSetNote(t, v.note) : <span className="muted">—</span>) },
    { key: 'by', header: t('rules.createdBy'), render: (v) => <span className="cell-stack-v"><span>{v.createdBy ?? t('rules.platform')}</span><span className="muted num">{localDateTime(v.createdAt)}</span></span> },
    {
      key: 'show',
      header: '',
      align: 'right',
      render: (v) => (v.id === shown.id ? <span className="muted">{t('rules.viewing', { version: v.version })}</span> : <Button size="sm" variant="ghost" onClick={() => setShown(v.id)}>{t('rules.show')}</Button>),
    },
  ];
  return (
    <>
      <div ref={anchor} className="qr-anchor" />
      <Card
        className={focused ? 'qr-focus' : undefined}
        title={
          <span className="inline-badges">
            {label}
            {levelLabel(t, region) && <Badge tone="gray">{levelLabel(t, region)}</Badge>}
            <span className="muted qr-year">{current.academicYear}</span>
          </span>
        }
        actions={
          admin && (
            <LinkButton to={`/quota-rules/new?${new URLSearchParams({ region, year: current.academicYear })}`} size="sm" icon="plus" data-testid={`new-version-${region}`}>
              {t('rules.newVersion')}
            </LinkButton>
          )
        }
        flush
        testId={`ruleset-${region}`}
      >
        <Table columns={columns} rows={versions} rowKey={(v) => v.id} testId="ruleset-versions" muted={(v) => !v.current} />
        <h3 className="qr-subhead">{t('rules.viewing', { version: shown.version })}</h3>
        <RulesTable rules={shown.rules} testId={`ruleset-rules-v${shown.version}`} />
      </Card>
    </>
  );
}

/** A rule set's rules: ID and name, what it counts, its minimum, its per-week ceiling, its scope. */
export function RulesTable({ rules, testId }: { rules: QuotaRule[]; testId?: string }) {
  const t = useT();
  const locale = useLocale();
  const scope = useScopeText();
  return (
    <Table
      testId={testId}
      rows={rules}
      rowKey={(r) => r.ruleId}
      columns={[
        { key: 'id', header: t('rules.ruleId'), render: (r) => <code className="q-id" data-rule={r.ruleId}>{r.ruleId}</code> },
        { key: 'name', header: t('rules.name'), wrap: true, render: (r) => ruleName(locale, r) },
        { key: 'metric', header: t('rules.metric'), wrap: true, secondary: true, render: (r) => t(`rules.metric.${r.metric}`) },
        { key: 'minimum', header: t('rules.minimum'), align: 'right', render: (r) => <span className="num" data-testid={`minimum-${r.ruleId}`}>{minimumText(t, r)}</span> },
        { key: 'max', header: t('rules.maxPerWeek'), align: 'right', render: (r) => <span className="num">{r.maxPerWeek}</span> },
        { key: 'scope', header: t('rules.scope'), wrap: true, render: (r) => scope(r) },
      ]}
    />
  );
}

export function minimumText(t: Translate, r: Pick<QuotaRule, 'metric' | 'minimum'>): string {
  return r.metric === 'dispatch_coverage' ? t('rules.share', { n: Math.round(r.minimum * 100) }) : String(r.minimum);
}

/** "全部教共体" or "须派驻骨干教师的类型 · 只计学科：数学". */
export function useScopeText(): (r: Pick<QuotaRule, 'appliesTo' | 'filter'>) => string {
  const t = useT();
  const typeLabel = useCommunityTypeLabel();
  const subject = useSubjectLabel();
  return (r) => {
    const parts: string[] = [];
    if (r.appliesTo.requiresDispatch) parts.push(t('rules.appliesTo.dispatch'));
    if (r.appliesTo.typeCodes?.length) parts.push(t('rules.appliesTo.types', { types: r.appliesTo.typeCodes.map(typeLabel).join(t('quotas.listSep')) }));
    if (!parts.length) parts.push(t('rules.appliesTo.all'));
    if (r.filter.subjects?.length) parts.push(t('rules.filter.subjects', { list: r.filter.subjects.map(subject).join(t('quotas.listSep')) }));
    if (r.filter.modes?.length) parts.push(t('rules.filter.modes', { list: r.filter.modes.map((m) => (m === 'interactive' || m === 'dedicated' || m === 'master' ? t(`quotas.mode.${m}`) : m)).join(t('quotas.listSep')) }));
    return parts.join(' · ');
  };
}
