import { useMemo } from 'react';
import type { QuotaEvidence } from '../../../shared/schemas/quotas.ts';
import { localDateTime } from '../app/format.ts';
import { api } from '../app/api.ts';
import { useSubjectLabel } from '../app/reference.ts';
import { Link, type RouteProps } from '../app/router.tsx';
import { useQuery } from '../app/useQuery.ts';
import { isMessageKey, useLocale, useT, type Locale, type MessageKey, type Translate } from '../i18n/index.ts';
import { Alert, Badge, Card, DescriptionList, EmptyState, LoadError, NotFoundState, PageHeader, Spinner, Table } from '../ui/index.ts';
import { extraFiguresText, failuresText, statusReasonText } from '../live/verdictText.ts';
import { Chart, type ChartOption } from './Chart.tsx';
import './quotas.css';

type SessionEvidence = NonNullable<QuotaEvidence['session']>;
type Interval = SessionEvidence['intervals'][number];
type Attachment = NonNullable<QuotaEvidence['correction']>['attachments'][number];

const KINDS = ['session', 'offline_research', 'correction'] as const;

/** A key built at run time, or the raw value when the dictionaries do not know it. */
const label = (t: Translate, key: string, fallback: string) => (isMessageKey(key) ? t(key as MessageKey) : fallback);

const clockOf = (locale: Locale, timeZone: string) => {
  const f = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return (iso: string | number) => f.format(new Date(iso));
};

const dateTimeOf = (locale: Locale, timeZone: string) => {
  const f = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  return (iso: string) => f.format(new Date(iso));
};

const share = (x: number) => `${Math.round(x * 100)}%`;

/**
 * `/quotas/evidence/:kind/:id`: what backs one counted item — a session's verdict with
 * its rule IDs and figures, the classrooms that received, the evidence intervals as a
 * timeline and a table, recordings and status history; offline research's minutes and
 * files; a correction's reason and files. Another community's item is a 404.
 */
export function QuotaEvidencePage({ params }: RouteProps) {
  const t = useT();
  const kind = params['kind'] as (typeof KINDS)[number];
  const id = params['id']!;
  const valid = (KINDS as readonly string[]).includes(kind);
  const q = useQuery(api.quotaEvidence, valid ? { params: { kind, id } } : null);
  if (!valid || q.status === 404 || q.status === 400) return <NotFoundState backTo="/quotas" />;
  if (q.error && !q.data) return <LoadError onRetry={() => void q.reload()} />;
  if (!q.data) return <Spinner />;
  return <Evidence e={q.data} t={t} />;
}

function Evidence({ e, t }: { e: QuotaEvidence; t: Translate }) {
  const locale = useLocale();
  const subject = useSubjectLabel();
  const status = e.session?.status ?? e.offlineResearch?.status ?? null;
  const kindKey = e.session ? `quotas.itemKind.${e.session.kind}` : e.kind === 'offline_research' ? 'quotas.itemKind.offline_research' : null;
  return (
    <>
      <PageHeader
        title={`${t('evidence.title')} · ${e.title}`}
        breadcrumbs={[{ label: t('quotas.title'), to: '/quotas' }, { label: e.communityName, to: `/quotas/communities/${e.communityId}` }, { label: t('evidence.title') }]}
        meta={
          <>
            {kindKey && <Badge tone="blue">{label(t, kindKey, e.kind)}</Badge>}
            {e.correction && <Badge tone="purple">{t('quotas.item.source.correction')}</Badge>}
            {status && <Badge tone={status === 'delivered' || status === 'confirmed' ? 'green' : status === 'missed' ? 'orange' : 'gray'}>{label(t, `schedule.status.${status}`, status)}</Badge>}
            <span className="muted">{e.on}</span>
          </>
        }
      />
      {e.session && <SessionEvidenceView e={e} s={e.session} t={t} locale={locale} subject={subject} />}
      {e.offlineResearch && (
        <>
          <Card title={e.title} testId="evidence-offline">
            <DescriptionList
              items={[
                { label: t('evidence.time'), value: e.on },
                { label: t('evidence.place'), value: e.offlineResearch.place || '—' },
                { label: t('quotas.item.schools'), value: e.offlineResearch.schools.join(t('quotas.listSep')) || '—' },
                { label: t('evidence.confirmedBy'), value: e.offlineResearch.confirmedBy ? `${e.offlineResearch.confirmedBy}${e.offlineResearch.confirmedAt ? ` · ${dateTimeOf(locale, 'Asia/Shanghai')(e.offlineResearch.confirmedAt)}` : ''}` : '—' },
              ]}
            />
          </Card>
          <Card title={t('evidence.minutes')}>{e.offlineResearch.minutes ? <p className="q-minutes">{e.offlineResearch.minutes}</p> : <p className="muted">{t('evidence.none')}</p>}</Card>
          <Attachments files={e.offlineResearch.attachments} t={t} />
        </>
      )}
      {e.correction && (
        <>
          <Card title={t('evidence.reason')} testId="evidence-correction">
            <p className="q-minutes">{e.correction.reason}</p>
            <DescriptionList
              items={[
                ...(e.subjectCode ? [{ label: t('evidence.subject'), value: subject(e.subjectCode) }] : []),
                ...(e.mode ? [{ label: t('evidence.mode'), value: label(t, `quotas.mode.${e.mode}`, e.mode) }] : []),
                { label: t('quotas.item.schools'), value: e.correction.schools.join(t('quotas.listSep')) || '—' },
              ]}
            />
            <p className="muted">{t('quotas.correction.by', { name: e.correction.createdBy ?? '—', time: localDateTime(e.correction.createdAt).slice(0, 10) })}</p>
          </Card>
          <Attachments files={e.correction.attachments} t={t} />
        </>
      )}
    </>
  );
}

function SessionEvidenceView({ e, s, t, locale, subject }: { e: QuotaEvidence; s: SessionEvidence; t: Translate; locale: Locale; subject: (code: string) => string }) {
  const clock = clockOf(locale, s.timeZone);
  const dateTime = dateTimeOf(locale, s.timeZone);
  const v = s.verdict;
  const failed = v ? v.outcomes.filter((o) => !o.passed) : [];
  return (
    <>
      <Card testId="evidence-session">
        <DescriptionList
          items={[
            { label: t('evidence.time'), value: `${dateTime(s.startsAt)}–${clock(s.endsAt).slice(0, 5)}` },
            { label: t('evidence.host'), value: s.hostTeacher ?? '—' },
            ...(e.subjectCode ? [{ label: t('evidence.subject'), value: subject(e.subjectCode) }] : []),
            ...(e.mode ? [{ label: t('evidence.mode'), value: label(t, `quotas.mode.${e.mode}`, e.mode) }] : []),
          ]}
        />
      </Card>
      <Card title={t('evidence.verdict')} testId="evidence-verdict" flush={!!v}>
        {v ? (
          <>
            <div className="q-verdict">
              <Alert tone={v.status === 'delivered' ? 'success' : 'warning'} title={label(t, `schedule.status.${v.status}`, v.status)}>
                <span data-testid="evidence-verdict-status" data-status={v.status}>
                  {failed.length ? `${failuresText(t, failed)} · ` : ''}{t('evidence.endedBy', { cause: label(t, `evidence.endCause.${v.endCause}`, v.endCause), time: dateTime(v.endedAt) })}
                </span>
              </Alert>
            </div>
            <Table
              testId="evidence-outcomes"
              rows={v.outcomes}
              rowKey={(o) => o.ruleId}
              columns={[
                { key: 'rule', header: t('evidence.rule'), wrap: true, render: (o) => <><code>{o.ruleId}</code><div className="muted">{label(t, `live.rule.${o.ruleId}`, '')}</div></> },
                { key: 'passed', header: '', render: (o) => <Badge tone={o.passed ? 'green' : 'red'}>{o.passed ? t('evidence.passed') : t('evidence.failed')}</Badge> },
                { key: 'measured', header: t('evidence.measured'), align: 'right', render: (o) => share(o.measuredShare) },
                { key: 'required', header: t('evidence.requiredShare'), align: 'right', render: (o) => share(o.requiredShare) },
                { key: 'count', header: t('evidence.count'), align: 'right', render: (o) => `${o.count} / ${o.requiredCount}` },
                { key: 'detail', header: t('evidence.detail'), wrap: true, secondary: true, render: (o) => <span className="muted">{extraFiguresText(t, o) ?? '—'}</span> },
              ]}
            />
          </>
        ) : (
          <p className="muted">{t('evidence.verdict.none')}</p>
        )}
      </Card>
      <Card title={t('evidence.classrooms')} flush>
        <Table
          testId="evidence-classrooms"
          rows={s.classrooms}
          rowKey={(c) => c.id}
          columns={[
            { key: 'school', header: t('evidence.school'), wrap: true, render: (c) => c.schoolName },
            { key: 'name', header: t('evidence.classrooms'), wrap: true, render: (c) => c.name },
            { key: 'role', header: t('evidence.classroomRole'), render: (c) => label(t, `evidence.classroomRole.${c.role}`, c.role) },
            { key: 'attended', header: '', render: (c) => (c.role === 'host' ? null : <Badge tone={c.attended ? 'green' : 'gray'}>{c.attended ? t('evidence.attended') : t('evidence.notAttended')}</Badge>) },
          ]}
        />
      </Card>
      <Timeline s={s} t={t} clock={clock} />
      <Card title={t('evidence.intervals', { n: s.intervals.length })} flush>
        <Table
          testId="evidence-intervals"
          rows={s.intervals}
          rowKey={(i) => i.id}
          empty={<EmptyState title={t('evidence.none')} compact />}
          columns={[
            { key: 'who', header: t('evidence.who'), wrap: true, render: (i) => <>{i.who}<div className="muted">{label(t, `live.role.${i.role}`, i.role)}</div></> },
            { key: 'kind', header: t('evidence.kind'), render: (i) => label(t, `evidence.kind.${i.kind}`, i.kind) },
            { key: 'source', header: t('evidence.source'), render: (i) => (i.source ? label(t, `evidence.source.${i.source}`, i.source) : <span className="muted">—</span>) },
            { key: 'start', header: t('evidence.start'), render: (i) => clock(i.startedAt) },
            { key: 'end', header: t('evidence.end'), render: (i) => (i.endedAt ? clock(i.endedAt) : <span className="muted">{t('evidence.open')}</span>) },
            { key: 'reason', header: t('evidence.endReason'), secondary: true, render: (i) => (i.endReason ? label(t, `evidence.endReason.${i.endReason}`, i.endReason) : '') },
          ]}
        />
      </Card>
      <Card title={t('evidence.recordings')} flush>
        <Table
          testId="evidence-recordings"
          rows={s.recordings}
          rowKey={(r) => r.id}
          empty={<EmptyState title={t('evidence.none')} compact />}
          columns={[
            { key: 'start', header: t('evidence.start'), render: (r) => dateTime(r.startedAt) },
            { key: 'end', header: t('evidence.end'), render: (r) => (r.endedAt ? clock(r.endedAt) : '—') },
            { key: 'size', header: '', align: 'right', render: (r) => (r.sizeBytes === null ? '' : `${(r.sizeBytes / 1_048_576).toFixed(1)} MB`) },
            { key: 'status', header: t('evidence.status'), render: (r) => label(t, `evidence.recording.status.${r.status}`, r.status) },
            { key: 'play', header: '', align: 'right', render: (r) => (r.status === 'ready' ? <a href={r.url} target="_blank" rel="noreferrer">{t('evidence.recording.play')}</a> : null) },
            // The playback page shows the courseware and strokes in step with the video.
            { key: 'replay', header: '', align: 'right', render: (r) => (r.status === 'ready' ? <Link to={`/live/replay/${r.id}`} data-testid="evidence-replay">{t('replay.open')}</Link> : null) },
          ]}
        />
      </Card>
      <Card title={t('evidence.history')}>
        <ol className="q-history" data-testid="evidence-history">
          {s.history.map((h, i) => (
            <li key={i}>
              <span className="muted">{dateTime(h.at)}</span> {h.from ? `${label(t, `schedule.status.${h.from}`, h.from)} → ` : ''}
              <strong>{label(t, `schedule.status.${h.to}`, h.to)}</strong> · {h.by}
              {h.reason ? <span className="muted"> · {v && h.reason === v.reason ? failuresText(t, failed) : statusReasonText(t, h.reason)}</span> : null}
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}

const kindColor: Record<string, string> = { connected: '#9aa5b4', publishing: '#1a66d9', receiving: '#0e9384', audio_courseware: '#d97706' };
const TIMELINE_MAX_ROWS = 40;

/** The intervals as horizontal bars: one row per participant, kind and source, over the session's time. */
function Timeline({ s, t, clock }: { s: SessionEvidence; t: Translate; clock: (iso: string | number) => string }) {
  const rows = useMemo(() => {
    const byRow = new Map<string, Interval[]>();
    for (const i of s.intervals) {
      const key = `${i.who}|${i.kind}|${i.source ?? ''}`;
      byRow.set(key, [...(byRow.get(key) ?? []), i]);
    }
    return [...byRow.entries()].map(([key, list]) => ({ key, list }));
  }, [s.intervals]);
  const option = useMemo<ChartOption | null>(() => {
    if (!rows.length || rows.length > TIMELINE_MAX_ROWS) return null;
    const t0 = Math.min(new Date(s.startsAt).getTime(), ...s.intervals.map((i) => new Date(i.startedAt).getTime()));
    const now = Date.now();
    const end = (i: Interval) => (i.endedAt ? new Date(i.endedAt).getTime() : now);
    const t1 = Math.max(new Date(s.endsAt).getTime(), ...s.intervals.map(end));
    const pairs = Math.max(...rows.map((r) => r.list.length));
    const series: unknown[] = [];
    for (let k = 0; k < pairs; k++) {
      // Each interval is a transparent gap (from the previous one's end) and then the coloured span, stacked per row.
      series.push({
        type: 'bar',
        stack: 'row',
        silent: true,
        barWidth: 12,
        itemStyle: { color: 'transparent' },
        data: rows.map((r) => {
          const i = r.list[k];
          if (!i) return 0;
          const prevEnd = k === 0 ? t0 : end(r.list[k - 1]!);
          return (new Date(i.startedAt).getTime() - prevEnd) / 1000;
        }),
      });
      series.push({
        type: 'bar',
        stack: 'row',
        barWidth: 12,
        data: rows.map((r) => {
          const i = r.list[k];
          if (!i) return 0;
          return { value: (end(i) - new Date(i.startedAt).getTime()) / 1000, itemStyle: { color: kindColor[i.kind] ?? '#6d4fc2', borderRadius: 3 }, interval: i };
        }),
        tooltip: {
          formatter: (p: { data: { interval?: Interval } }) => {
            const i = p.data.interval;
            if (!i) return '';
            return `${i.who}<br/>${label(t, `evidence.kind.${i.kind}`, i.kind)}${i.source ? ` · ${label(t, `evidence.source.${i.source}`, i.source)}` : ''}<br/>${clock(i.startedAt)} – ${i.endedAt ? clock(i.endedAt) : t('evidence.open')}`;
          },
        },
      });
    }
    const rowLabel = (key: string) => {
      const [who, kind, source] = key.split('|');
      return `${who} · ${label(t, `evidence.kind.${kind}`, kind!)}${source ? ` · ${label(t, `evidence.source.${source}`, source)}` : ''}`;
    };
    return {
      tooltip: { trigger: 'item', confine: true },
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: 'value', min: 0, max: Math.ceil((t1 - t0) / 1000), axisLabel: { formatter: (sec: number) => clock(t0 + sec * 1000), showMaxLabel: false }, splitNumber: 6 },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => rowLabel(r.key)), axisLabel: { width: 260, overflow: 'truncate' }, axisTick: { show: false } },
      series,
    };
  }, [rows, s, t, clock]);
  if (!s.intervals.length) return null;
  return (
    <Card title={t('evidence.timeline')}>
      {option ? <Chart option={option} height={Math.max(120, rows.length * 24 + 48)} label={t('evidence.timeline')} testId="evidence-timeline" /> : <p className="muted">{t('evidence.timeline.tooMany')}</p>}
    </Card>
  );
}

function Attachments({ files, t }: { files: Attachment[]; t: Translate }) {
  return (
    <Card title={t('evidence.attachments')} flush>
      <Table
        testId="evidence-attachments"
        rows={files}
        rowKey={(f) => f.id}
        empty={<EmptyState title={t('evidence.none')} compact />}
        columns={[
          { key: 'name', header: t('quotas.item.title'), wrap: true, render: (f) => <a href={f.url} target="_blank" rel="noreferrer">{f.fileName}</a> },
          { key: 'type', header: '', secondary: true, render: (f) => <span className="muted">{f.contentType}</span> },
          { key: 'size', header: '', align: 'right', render: (f) => `${Math.max(1, Math.round(f.sizeBytes / 1024))} KB` },
          { key: 'at', header: t('quotas.item.date'), render: (f) => localDateTime(f.uploadedAt).slice(0, 10) },
        ]}
      />
    </Card>
  );
}
