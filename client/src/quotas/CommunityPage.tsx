import { useEffect, useMemo, useState } from 'react';
import { wholeWeeksLeft, type RuleProgress } from '../../../shared/quotas/progress.ts';
import type { CommunityQuotaDetail, CountedItemView, QuotaCorrection } from '../../../shared/schemas/quotas.ts';
import { api, call } from '../app/api.ts';
import { localDateTime, todayIso } from '../app/format.ts';
import { useSubjectLabel, useSubjects } from '../app/reference.ts';
import type { RouteProps } from '../app/router.tsx';
import { Link, setQuery, useLocation } from '../app/router.tsx';
import { useRole } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { localName, useLocale, useT } from '../i18n/index.ts';
import { Alert, Badge, Button, Card, LinkButton, CheckboxGroup, DateInput, Drawer, EmptyState, Field, FormErrors, LoadError, NotFoundState, PageHeader, Select, Table, TextArea, TextInput, toast, useApiForm } from '../ui/index.ts';
import { Chart, type ChartOption } from './Chart.tsx';
import { adviceText, pastOnly, pct, regionLabel, ruleName, statusTone } from './format.ts';
import { useLiveProgress, useQuotaLive, useQuotaSocket } from './live.ts';
import { LiveNotice } from './OverviewPage.tsx';
import { StSummaryCard } from './StSummaryCard.tsx';
import './quotas.css';

const evidencePath = (i: Pick<CountedItemView, 'kind' | 'id' | 'source'>) =>
  `/quotas/evidence/${i.source === 'correction' ? 'correction' : i.kind === 'offline_research' ? 'offline_research' : 'session'}/${i.id}`;

/** One community's year: progress per rule with advice, trend, participation, counted items, corrections. */
export function QuotaCommunityPage({ params }: RouteProps) {
  const t = useT();
  const role = useRole();
  const { query } = useLocation();
  const communityId = params['communityId']!;
  const academicYear = query.get('year') ?? undefined;
  useQuotaSocket();
  const detail = useQuery(api.communityQuota, { params: { communityId }, query: academicYear ? { academicYear } : {} });
  // A live update of this community: the numbers change at once; items are fetched again.
  const liveVersion = useQuotaLive((s) => (s.byCommunity[communityId] ? s.version : 0));
  useEffect(() => {
    if (liveVersion) void detail.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [liveVersion]);
  const progress = useLiveProgress(detail.data?.progress);
  const [correcting, setCorrecting] = useState(false);

  if (detail.status === 404) return <NotFoundState backTo="/quotas" />;
  if (detail.error && !detail.data) return <LoadError onRetry={() => void detail.reload()} />;
  const d = detail.data;
  const canCorrect = (role === 'coordinator' || role === 'admin') && d && !d.closure;
  return (
    <>
      <PageHeader
        title={progress?.communityName ?? t('common.loading')}
        breadcrumbs={[{ label: t('quotas.title'), to: '/quotas' }, { label: progress?.communityName ?? '…' }]}
        meta={progress && <Badge tone={statusTone[progress.status]}>{t(`quotas.status.${progress.status}`)}</Badge>}
        description={
          progress?.ruleSet
            ? t(progress.ruleSet.fallbackFrom ? 'quotas.ruleSetFallback' : 'quotas.ruleSet', { region: regionLabel(t, progress.ruleSet.region, progress.countyName), version: progress.ruleSet.version, year: progress.ruleSet.fallbackFrom ?? '' })
            : undefined
        }
        actions={
          <div className="q-actions">
            {d && d.years.length > 1 && <Select value={progress?.academicYear ?? ''} onChange={(y) => setQuery({ year: y })} options={d.years.map((y) => ({ value: y.label, label: y.label }))} aria-label={t('quotas.year')} />}
            {canCorrect && <Button variant="primary" icon="plus" onClick={() => setCorrecting(true)} data-testid="add-correction">{t('quotas.correction.new')}</Button>}
          </div>
        }
      />
      <LiveNotice />
      {d?.closure && <Alert tone="info" title={t('quotas.frozen', { date: localDateTime(d.closure.closedAt).slice(0, 10) })}>{d.closure.closedBy ? t('quotas.closedBy', { name: d.closure.closedBy }) : null}</Alert>}
      {progress && <Risks rules={progress.rules} />}
      <div className="q-rules" data-testid="quota-rules">
        {progress?.rules.map((r) => <RuleCard key={r.ruleId} rule={r} all={progress.rules} planTo={canCorrect && !progress.frozen ? `/planner/${communityId}?year=${progress.academicYear}` : null} />)}
      </div>
      {d && <Trend detail={d} />}
      {progress && (
        <Card title={t('quotas.participation')} flush>
          <Table
            testId="quota-participation"
            rows={progress.memberSchools}
            rowKey={(m) => m.schoolId}
            columns={[
              { key: 'name', header: t('quotas.item.schools'), render: (m) => m.name },
              { key: 'lessons', header: t('quotas.participation.lessons'), align: 'right', render: (m) => m.lessons },
              { key: 'flag', header: '', render: (m) => (m.flagged ? <Badge tone="red">{t('quotas.participation.flagged')}</Badge> : null) },
            ]}
          />
        </Card>
      )}
      {d && <StSummaryCard communityId={communityId} academicYear={progress?.academicYear ?? academicYear} />}
      {d && <Items items={d.items} />}
      {d && <Corrections detail={d} onChanged={() => void detail.reload()} canWithdraw={!!canCorrect} />}
      {correcting && d && <CorrectionDrawer communityId={communityId} detail={d} onClose={() => setCorrecting(false)} onSaved={() => void detail.reload()} />}
    </>
  );
}

function Risks({ rules }: { rules: RuleProgress[] }) {
  const t = useT();
  const locale = useLocale();
  const risky = rules.filter((r) => r.status === 'at_risk' || r.status === 'will_miss');
  if (!risky.length) return <Alert tone="success" testId="quota-risks">{t('quotas.noRisks')}</Alert>;
  return (
    <Alert tone="warning" title={t('quotas.risks')} testId="quota-risks">
      <ul className="q-risk-list">
        {risky.map((r) => (
          <li key={r.ruleId}>
            {t('quotas.riskLine', { name: ruleName(locale, r), ruleId: r.ruleId, advice: adviceText(t, r, rules) ?? t(`quotas.status.${r.status}`) })}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

/** `planTo`: the year planner for this community, offered beside advice to coordinators (按此安排). */
function RuleCard({ rule: r, all, planTo }: { rule: RuleProgress; all: RuleProgress[]; planTo: string | null }) {
  const t = useT();
  const locale = useLocale();
  const na = r.status === 'not_applicable';
  const advice = adviceText(t, r, all);
  return (
    <section className={`q-rule q-rule--${r.status}`} data-rule={r.ruleId} aria-label={r.ruleId}>
      <header>
        <div>
          <div className="q-rule-name">{ruleName(locale, r)}</div>
          <div className="muted q-rule-id">{r.ruleId}</div>
        </div>
        <Badge tone={statusTone[r.status]}>{t(`quotas.status.${r.status}`)}</Badge>
      </header>
      {!na && (
        <>
          <div className="q-figure">
            <span className="q-counted" data-testid={`counted-${r.ruleId}`}>{r.counted}</span>
            <span className="muted"> / <span data-testid={`required-${r.ruleId}`}>{r.required}</span></span>
          </div>
          <div className="q-bar" role="progressbar" aria-valuenow={r.counted} aria-valuemin={0} aria-valuemax={r.required}>
            <span className="q-bar-done" style={{ width: `${pct(r)}%` }} />
            <span className="q-bar-planned" style={{ width: `${Math.min(100 - pct(r), r.required ? Math.round((r.planned / r.required) * 100) : 0)}%` }} />
          </div>
          <div className="muted q-rule-meta">
            {t('quotas.planned')} {r.planned} · {t('quotas.weeksLeft', { n: wholeWeeksLeft(r.termWeeksLeft) })}
            {r.fromCorrections > 0 && <> · {t('quotas.fromCorrections', { n: r.fromCorrections })}</>}
          </div>
          {advice && <p className="q-advice" data-testid={`advice-${r.ruleId}`}>{advice}</p>}
          {advice && planTo && (
            <LinkButton to={planTo} size="sm" variant="primary" icon="calendar" data-testid={`plan-${r.ruleId}`}>
              {t('planner.fromAdvice')}
            </LinkButton>
          )}
        </>
      )}
    </section>
  );
}

function Trend({ detail }: { detail: CommunityQuotaDetail }) {
  const t = useT();
  const option = useMemo<ChartOption>(() => {
    const required = Object.fromEntries(detail.progress.rules.map((r) => [r.metric, r.required]));
    const requiredOf = (kind: string) => required[kind === 'sync_lesson' ? 'sync_lessons' : kind] ?? 0;
    const months = detail.trend[0]?.points.map((p) => p.month) ?? [];
    const today = todayIso();
    // The axis reaches every required line (ECharts does not stretch it for mark lines).
    const top = Math.max(0, ...detail.trend.map((s) => requiredOf(s.kind)));
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 36, right: 32, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', minInterval: 1, max: (extent: { max: number }) => Math.max(extent.max, top) },
      series: detail.trend.map((s) => ({
        name: t(`quotas.kind.${s.kind}`),
        type: 'line',
        data: s.points.map((p) => pastOnly(p.month, p.cumulative, today)),
        markLine: { silent: true, symbol: 'none', data: [{ yAxis: requiredOf(s.kind) }] },
      })),
    };
  }, [detail, t]);
  return (
    <Card title={t('quotas.trend')}>
      <Chart option={option} label={t('quotas.trend')} testId="quota-trend" />
    </Card>
  );
}

function Items({ items }: { items: CountedItemView[] }) {
  const t = useT();
  const subject = useSubjectLabel();
  return (
    <Card title={t('quotas.items')} subtitle={t('quotas.items.count', { n: items.length })} flush>
      <Table
        testId="quota-items"
        rows={items}
        rowKey={(i) => i.id}
        muted={(i) => i.ruleIds.length === 0}
        empty={<EmptyState title={t('common.noMatches')} compact />}
        columns={[
          { key: 'on', header: t('quotas.item.date'), render: (i) => i.on },
          { key: 'kind', header: t('quotas.item.kind'), render: (i) => (
            <>
              {t(`quotas.itemKind.${i.kind}`)} {i.source === 'correction' && <Badge tone="purple">{t('quotas.item.source.correction')}</Badge>}
            </>
          ) },
          { key: 'title', header: t('quotas.item.title'), wrap: true, render: (i) => <>{i.title}{i.subjectCode ? <span className="muted"> · {subject(i.subjectCode)}</span> : null}</> },
          { key: 'schools', header: t('quotas.item.schools'), secondary: true, wrap: true, render: (i) => i.memberSchools.join(t('quotas.listSep')) },
          { key: 'rules', header: t('quotas.item.rules'), wrap: true, render: (i) => (i.ruleIds.length ? <RuleIdList ids={i.ruleIds} /> : <span className="muted">{t('quotas.item.notCounted')}</span>) },
          { key: 'evidence', header: t('quotas.item.evidence'), wrap: true, render: (i) => (
            <>
              <Link to={evidencePath(i)} data-testid="evidence-link">
                {i.source === 'correction' || i.kind === 'offline_research'
                  ? t('quotas.item.attachments', { n: i.evidence.attachments })
                  : [t('quotas.item.intervals', { n: i.evidence.intervals }), ...(i.evidence.recordings ? [t('quotas.item.recordings', { n: i.evidence.recordings })] : [])].join(' · ')}
              </Link>
              {i.evidence.verdictRuleIds.length > 0 && <div className="muted"><RuleIdList ids={i.evidence.verdictRuleIds} small /></div>}
            </>
          ) },
        ]}
      />
    </Card>
  );
}

/** Rule IDs that wrap between IDs, never inside one. */
function RuleIdList({ ids, small }: { ids: readonly string[]; small?: boolean }) {
  return (
    <span className={`q-ids${small ? ' q-ids--small' : ''}`}>
      {ids.map((id) => (
        <span key={id} className="q-id">{id}</span>
      ))}
    </span>
  );
}

function Corrections({ detail, onChanged, canWithdraw }: { detail: CommunityQuotaDetail; onChanged(): void; canWithdraw: boolean }) {
  const t = useT();
  const withdraw = async (id: string) => {
    const res = await call(api.deleteCorrection, { params: { id } });
    if (res.ok) onChanged();
    else toast.error(res.error.message);
  };
  return (
    <Card title={t('quotas.corrections')} flush>
      <Table
        testId="quota-corrections"
        rows={detail.corrections}
        rowKey={(c) => c.id}
        empty={<EmptyState title={t('quotas.corrections.none')} compact />}
        columns={[
          { key: 'on', header: t('quotas.item.date'), render: (c) => c.heldOn },
          { key: 'kind', header: t('quotas.item.kind'), render: (c) => t(`quotas.itemKind.${c.kind}`) },
          { key: 'title', header: t('quotas.item.title'), wrap: true, render: (c) => <Link to={`/quotas/evidence/correction/${c.id}`}>{c.title}</Link> },
          { key: 'reason', header: t('quotas.correction.reason'), wrap: true, render: (c) => c.reason },
          { key: 'by', header: '', secondary: true, render: (c) => t('quotas.correction.by', { name: c.createdBy ?? '—', time: localDateTime(c.createdAt).slice(0, 10) }) },
          ...(canWithdraw ? [{ key: 'x', header: '', align: 'right' as const, render: (c: QuotaCorrection) => <Button size="sm" variant="ghost" onClick={() => void withdraw(c.id)}>{t('quotas.correction.withdraw')}</Button> }] : []),
        ]}
      />
    </Card>
  );
}

function CorrectionDrawer({ communityId, detail, onClose, onSaved }: { communityId: string; detail: CommunityQuotaDetail; onClose(): void; onSaved(): void }) {
  const t = useT();
  const locale = useLocale();
  const subjects = useSubjects();
  const community = useQuery(api.getCommunity, { params: { communityId } });
  const form = useApiForm(['kind', 'title', 'heldOn', 'subjectCode', 'mode', 'reason', 'schoolIds', 'file']);
  const [kind, setKind] = useState<'sync_lesson' | 'online_research' | 'offline_research'>('sync_lesson');
  const [title, setTitle] = useState('');
  const [heldOn, setHeldOn] = useState(todayIso());
  const [subjectCode, setSubject] = useState('math');
  const [mode, setMode] = useState<'interactive' | 'dedicated' | 'master'>('interactive');
  const [reason, setReason] = useState('');
  const [schoolIds, setSchools] = useState<string[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const members = (community.data?.memberships ?? []).filter((m) => m.role === 'member' && m.validFrom <= heldOn && (m.validTo === null || m.validTo > heldOn));
  const lesson = kind === 'sync_lesson';
  const save = async () => {
    const res = await form.submit(() =>
      call(api.createCorrection, {
        params: { communityId },
        body: { kind, title, heldOn, reason, subjectCode: lesson ? subjectCode : null, mode: lesson ? mode : null, schoolIds },
        ...(file ? { file } : {}),
      }),
    );
    if (res?.ok) {
      toast.success(t('quotas.correction.saved'));
      onSaved();
      onClose();
    }
  };
  return (
    <Drawer open onClose={onClose} title={t('quotas.correction.new')} footer={<><Button onClick={onClose}>{t('common.cancel')}</Button><Button variant="primary" onClick={() => void save()} loading={form.submitting} data-testid="save-correction">{t('common.save')}</Button></>}>
      <p className="muted">{t('quotas.correction.help')}</p>
      <FormErrors form={form} />
      <Field label={t('quotas.correction.kind')} name="kind" required error={form.of('kind')}>
        <Select value={kind} onChange={(v) => setKind(v as typeof kind)} options={(['sync_lesson', 'online_research', 'offline_research'] as const).map((k) => ({ value: k, label: t(`quotas.itemKind.${k}`) }))} />
      </Field>
      <Field label={t('quotas.correction.title')} name="title" required error={form.of('title')}>
        <TextInput value={title} onChange={setTitle} />
      </Field>
      <Field label={t('quotas.correction.heldOn')} name="heldOn" required error={form.of('heldOn')}>
        <DateInput value={heldOn} onChange={setHeldOn} />
      </Field>
      {lesson && (
        <>
          <Field label={t('quotas.correction.subject')} name="subjectCode" required error={form.of('subjectCode')}>
            <Select value={subjectCode} onChange={setSubject} options={(subjects ?? []).map((s) => ({ value: s.code, label: localName(locale, s) }))} />
          </Field>
          <Field label={t('quotas.correction.mode')} name="mode" required error={form.of('mode')}>
            <Select value={mode} onChange={(v) => setMode(v as typeof mode)} options={(['interactive', 'dedicated', 'master'] as const).map((m) => ({ value: m, label: t(`quotas.mode.${m}`) }))} />
          </Field>
        </>
      )}
      <Field label={t('quotas.correction.schools')} name="schoolIds" required={lesson} error={form.of('schoolIds')}>
        <CheckboxGroup options={members.map((m) => ({ value: m.schoolId, label: m.schoolName }))} value={schoolIds} onChange={setSchools} />
      </Field>
      <Field label={t('quotas.correction.reason')} name="reason" required error={form.of('reason')}>
        <TextArea value={reason} onChange={setReason} rows={3} />
      </Field>
      <Field label={t('quotas.correction.file')} name="file" required error={form.of('file')}>
        <input type="file" accept="image/jpeg,image/png,image/webp,application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="correction-file" />
      </Field>
      <p className="muted">{detail.progress.academicYear}</p>
    </Drawer>
  );
}
