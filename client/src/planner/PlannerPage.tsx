import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ConflictDetail } from '../../../shared/schemas/errors.ts';
import type { PlanItem, PlanPreferences, PlanProposal, PlanShortfall } from '../../../shared/schemas/planner.ts';
import { addDays, mondayOf } from '../../../shared/schedule/time.ts';
import { api, call } from '../app/api.ts';
import { useSubjectLabel } from '../app/reference.ts';
import { navigate, useLocation, type RouteProps } from '../app/router.tsx';
import { useLocale, useT, type MessageKey, type Translate } from '../i18n/index.ts';
import { ruleName, statusTone } from '../quotas/format.ts';
import { Alert, Badge, Button, Card, DateInput, EmptyState, LinkButton, LoadError, NotFoundState, PageHeader, Segmented, Spinner, toast } from '../ui/index.ts';
import { PlanCalendar } from './PlanCalendar.tsx';
import { useItemCheck } from './itemCheck.ts';
import { PreferencesCard } from './PreferencesCard.tsx';
import './planner.css';

type Clash = NonNullable<ConflictDetail['items']>;

/** Shortfall reason codes in words; subject codes as the subjects' names. */
function shortfallText(t: Translate, s: PlanShortfall, subject: (code: string) => string): string {
  const p = Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, ['subject', 'wanted', 'used'].includes(k) && typeof v === 'string' ? subject(v) : v]));
  if (s.code === 'capacity' && 'school' in s.params) return t('planner.short.capacitySchool', p);
  return t(`planner.short.${s.code}` as MessageKey, p);
}

/** The clash list without one item; null once none is left. */
const without = (clash: Clash | null, key: string): Clash | null => {
  const rest = clash?.filter((c) => c.key !== key) ?? [];
  return rest.length ? rest : null;
};

const itemLabel = (i: PlanItem | undefined) => (i ? `${i.date} ${i.startTime ?? ''} ${i.title}` : '');

/**
 * The year planner (shared/planner/SPEC.md): the proposal for a community as a list grouped
 * by teaching week, each item removable or movable to another date; the forecast of every
 * rule if accepted, what cannot be satisfied, and one "全部接受" that schedules it all or
 * nothing (a clash names the items, with free alternatives to take).
 */
export function PlannerPage({ params }: RouteProps) {
  const t = useT();
  const locale = useLocale();
  const subject = useSubjectLabel();
  const communityId = params['communityId']!;
  const { query } = useLocation();
  const academicYear = query.get('year') ?? undefined;
  const [prefs, setPrefs] = useState<PlanPreferences | null>(null);
  const [savingPrefs, setSavingPrefs] = useState(false);
  const [view, setView] = useState<'list' | 'calendar'>('list');
  const [proposal, setProposal] = useState<PlanProposal | null>(null);
  const [items, setItems] = useState<PlanItem[]>([]);
  const [status, setStatus] = useState<number>(0);
  const [loading, setLoading] = useState(true);
  const [accepting, setAccepting] = useState(false);
  const [clash, setClash] = useState<Clash | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Proposals use the community's saved preferences (PL-PREFERENCES).
  const load = useCallback(async () => {
    setLoading(true);
    setClash(null);
    setError(null);
    const res = await call(api.proposePlan, { params: { communityId }, body: academicYear ? { academicYear } : {} });
    setLoading(false);
    setStatus(res.status);
    if (res.ok) {
      setProposal(res.data);
      setItems(res.data.items);
      setPrefs(res.data.preferences);
    } else setError(res.error.message);
  }, [communityId, academicYear]);

  async function savePrefs(p: PlanPreferences) {
    setSavingPrefs(true);
    const res = await call(api.savePlanPreferences, { params: { communityId }, body: p });
    setSavingPrefs(false);
    if (!res.ok) return setError(res.error.message);
    toast.success(t('planner.prefs.saved'));
    await load();
  }
  useEffect(() => {
    void load();
  }, [load]);

  const weeks = useMemo(() => {
    const byWeek = new Map<string, PlanItem[]>();
    for (const i of [...items].sort((a, b) => `${a.date}${a.startTime ?? ''}`.localeCompare(`${b.date}${b.startTime ?? ''}`))) {
      const w = mondayOf(i.date);
      byWeek.set(w, [...(byWeek.get(w) ?? []), i]);
    }
    return [...byWeek];
  }, [items]);

  const itemCheck = useItemCheck(communityId);
  const move = (key: string, date: string, times?: { startTime: string | null; endTime: string | null; endDate: string | null }) =>
    setItems((list) =>
      list.map((i) => {
        if (i.key !== key || !date) return i;
        const shift = Math.round((Date.parse(date) - Date.parse(i.date)) / 86_400_000);
        return { ...i, date, ...(times ?? {}), endDate: times?.endDate ?? (i.endDate ? addDays(i.endDate, shift) : null) };
      }),
    );

  async function acceptAll() {
    if (!proposal) return;
    setAccepting(true);
    setClash(null);
    setError(null);
    const res = await call(api.acceptPlan, { params: { communityId }, body: { academicYear: proposal.academicYear, fingerprint: proposal.fingerprint, items } });
    setAccepting(false);
    if (res.ok) {
      toast.success(t('planner.accepted', { sessions: res.data.sessions, offline: res.data.offlineResearch, dispatches: res.data.dispatches }));
      navigate(`/quotas/communities/${communityId}?year=${proposal.academicYear}`);
      return;
    }
    if (res.status === 409 && res.error.conflict?.items) setClash(res.error.conflict.items);
    else setError(res.error.message);
  }

  if (status === 404) return <NotFoundState backTo="/quotas" />;
  if (!proposal && error) return <LoadError onRetry={() => void load()} />;
  const quotaPage = `/quotas/communities/${communityId}${proposal ? `?year=${proposal.academicYear}` : ''}`;
  return (
    <>
      <PageHeader
        title={t('planner.title')}
        breadcrumbs={[{ label: t('quotas.title'), to: '/quotas' }, { label: t('planner.communityQuotas'), to: quotaPage }, { label: t('planner.title') }]}
        description={t('planner.description')}
        actions={
          <div className="pl-actions">
            <Button onClick={() => void load()} loading={loading} icon="history" data-testid="plan-regenerate">{t('planner.regenerate')}</Button>
            <Button variant="primary" onClick={() => void acceptAll()} loading={accepting} disabled={!items.length || loading} icon="check" data-testid="plan-accept">
              {t('planner.acceptAll')}
            </Button>
          </div>
        }
      />
      {loading && !proposal && <Spinner />}
      {proposal && (
        <div className="pl-page" data-testid="planner-page" data-loading={loading || undefined}>
          <p className="muted pl-basis" data-testid="plan-miss-rate">
            {t('planner.from', { date: proposal.from })} · {t(`planner.missRate.${proposal.missRate.basis}`, { rate: Math.round(proposal.missRate.rate * 100), delivered: proposal.missRate.delivered, missed: proposal.missRate.missed })}
          </p>
          {error && <Alert tone="danger">{error}</Alert>}
          {clash && (
            <Alert tone="danger" title={t('planner.clash', { n: clash.length })} testId="plan-clash">
              <ul className="pl-clash">
                {clash.map((c) => (
                  <li key={c.key} data-testid={`plan-clash-${c.key}`}>
                    <strong>{itemLabel(items.find((i) => i.key === c.key))}</strong> {c.conflict.description}
                    <div className="pl-alts">
                      {c.alternatives.length === 0 && <span className="muted">{t('planner.noAlternative')}</span>}
                      {c.alternatives.map((a, n) => (
                        <Button key={`${a.date}${a.startTime}`} size="sm" data-testid={`plan-alt-${c.key}-${n}`} onClick={() => { move(c.key, a.date, a); setClash((x) => without(x, c.key)); }}>
                          {t('planner.alternative', { date: a.date, time: a.startTime ?? '' })}
                        </Button>
                      ))}
                      <Button size="sm" variant="ghost" onClick={() => { setItems((l) => l.filter((i) => i.key !== c.key)); setClash((x) => without(x, c.key)); }}>{t('planner.remove')}</Button>
                    </div>
                  </li>
                ))}
              </ul>
            </Alert>
          )}
          {proposal.shortfalls.length > 0 && (
            <Alert tone="warning" title={t('planner.shortfalls')} testId="plan-shortfalls">
              <ul className="pl-short">
                {proposal.shortfalls.map((s, i) => (
                  <li key={i} data-code={s.code}>
                    {s.ruleId && <span className="pl-rule-id">{s.ruleId}</span>} {shortfallText(t, s, subject)}
                  </li>
                ))}
              </ul>
            </Alert>
          )}
          <PreferencesCard value={prefs} saving={savingPrefs} onSave={(p) => void savePrefs(p)} />
          <Card title={t('planner.forecast')} subtitle={t('planner.forecastNote')} testId="plan-forecast" flush>
            <table className="table pl-forecast">
              <thead>
                <tr>
                  <th>{t('planner.col.rule')}</th>
                  <th>{t('planner.col.required')}</th>
                  <th>{t('planner.col.counted')}</th>
                  <th>{t('planner.col.planned')}</th>
                  <th>{t('planner.col.proposed')}</th>
                  <th>{t('planner.col.expected')}</th>
                  <th>{t('planner.col.now')}</th>
                  <th>{t('planner.col.after')}</th>
                </tr>
              </thead>
              <tbody>
                {proposal.forecast.map((f) => (
                  <tr key={f.ruleId} data-testid={`plan-forecast-${f.ruleId}`} data-status={f.status}>
                    <td>
                      {ruleName(locale, f)} <span className="muted pl-rule-id">{f.ruleId}</span>
                    </td>
                    <td>{f.required}</td>
                    <td>{f.counted}</td>
                    <td>{f.planned}</td>
                    <td>{f.proposed}</td>
                    <td>{f.expected}</td>
                    <td><Badge tone={statusTone[f.statusNow]}>{t(`quotas.status.${f.statusNow}`)}</Badge></td>
                    <td><Badge tone={statusTone[f.status]}>{t(`quotas.status.${f.status}`)}</Badge></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card
            title={t('planner.items', { n: items.length })}
            testId="plan-items"
            actions={<Segmented<'list' | 'calendar'> value={view} onChange={setView} size="sm" label={t('planner.view.label')} options={[{ value: 'list', label: t('planner.view.list') }, { value: 'calendar', label: t('planner.view.calendar') }]} />}
          >
            {items.length === 0 && <EmptyState title={t('planner.empty')} />}
            {view === 'calendar' && (
              <PlanCalendar
                items={items}
                problems={itemCheck.problems}
                onRemove={(key) => setItems((l) => l.filter((x) => x.key !== key))}
                onMove={(key, date) => {
                  const item = items.find((x) => x.key === key);
                  if (!item || item.date === date) return;
                  move(key, date);
                  itemCheck.check({ ...item, date, endDate: item.endDate ? addDays(item.endDate, Math.round((Date.parse(date) - Date.parse(item.date)) / 86_400_000)) : null });
                }}
              />
            )}
            {view === 'list' && weeks.map(([monday, list]) => (
              <section key={monday} className="pl-week" data-week={monday}>
                <h3 className="pl-week-title">{t('planner.week', { date: monday })}</h3>
                <ul className="pl-items">
                  {list.map((i) => (
                    <li key={i.key} className={`pl-item pl-item--${i.kind}`} data-testid={`plan-item-${i.key}`} data-kind={i.kind} data-date={i.date}>
                      <Badge tone={i.kind === 'sync_lesson' ? 'blue' : i.kind === 'dispatch' ? 'orange' : 'green'}>{t(`planner.kind.${i.kind}`)}</Badge>
                      <span className="pl-when">
                        {i.date} {i.startTime ? `${i.startTime}–${i.endTime}` : i.endDate ? t('planner.until', { date: i.endDate }) : ''}
                      </span>
                      <span className="pl-what">{i.title}</span>
                      <span className="muted pl-who">
                        {i.who}
                        {i.where ? ` · ${i.where}` : ''}
                      </span>
                      <span className="pl-edit">
                        <DateInput value={i.date} onChange={(d) => move(i.key, d)} aria-label={`${t('planner.move')} ${i.key}`} data-testid={`plan-item-date-${i.key}`} />
                        <Button size="sm" variant="ghost" icon="trash" onClick={() => setItems((l) => l.filter((x) => x.key !== i.key))} data-testid={`plan-item-remove-${i.key}`}>
                          {t('planner.remove')}
                        </Button>
                      </span>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </Card>
          <p>
            <LinkButton to={quotaPage} variant="ghost" icon="chevronLeft">{t('planner.backToQuotas')}</LinkButton>
          </p>
        </div>
      )}
    </>
  );
}
