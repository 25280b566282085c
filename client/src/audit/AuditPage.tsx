import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { QuotaRule } from '../../../shared/quotas/rules.ts';
import type { AuditEntry } from '../../../shared/schemas/audit.ts';
import { RuleOutcome } from '../../../shared/schemas/live.ts';
import type { QuotaRuleSet } from '../../../shared/schemas/quotas.ts';
import { api, call } from '../app/api.ts';
import { localDateTime } from '../app/format.ts';
import { useCounties, useSubjectLabel } from '../app/reference.ts';
import { setQuery, useLocation } from '../app/router.tsx';
import { useRole } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { isMessageKey, useLocale, useT, type MessageKey, type Translate } from '../i18n/index.ts';
import { Badge, Button, Card, DateInput, EmptyState, LoadError, PageHeader, Select, Table, type BadgeTone, type Column } from '../ui/index.ts';
import { regionLabel, ruleName, ruleSetNote, versionTag } from '../quotas/format.ts';
import { changeText, diffRules, type RuleChange } from '../quotas/ruleSets.ts';
import { ruleExplanation, typedDescription } from '../live/ruleText.ts';
import { figuresText, statusReasonText } from '../live/verdictText.ts';
import './audit.css';

const PAGE = 50;
const FILTERS = ['table', 'op', 'community', 'actor', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const OPS = ['insert', 'update', 'delete'] as const;
const opTone: Record<AuditEntry['op'], BadgeTone> = { insert: 'green', update: 'blue', delete: 'red' };

/** Columns nobody reads in a change (bookkeeping), shown last if at all. */
const QUIET = new Set(['updated_at', 'status_changed_at', 'heartbeat_at']);
/** Columns a created or deleted row is introduced by, in this order; the rest follow. */
const FIRST = ['title', 'kind', 'status', 'region', 'academic_year', 'version', 'starts_at', 'ends_at', 'held_on', 'reason', 'note'];

export const tableLabel = (t: Translate, table: string) => {
  const key = `audit.tableName.${table}`;
  return isMessageKey(key) ? t(key) : table;
};
const fieldLabel = (t: Translate, field: string) => {
  const key = `audit.field.${field}`;
  return isMessageKey(key) ? t(key) : field;
};

/**
 * `/audit` (issue #5): the append-only audit trail, newest first, 50 at a time, filtered by
 * table, operation, community, who and dates (local days). Each entry shows who, when, and
 * what changed — for a change the fields that differ (before → after), for a new or deleted
 * row its main fields, for a new rule version what it changed from the previous version.
 */
export function AuditPage() {
  const t = useT();
  // A teacher's subject row is named by its teacher and subject (任志远 / 物理), not by the subject's code.
  const subject = useSubjectLabel();
  const role = useRole();
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Filters;
  const key = JSON.stringify(filters);
  const communities = useQuery(api.listCommunities, {});
  const [page, setPage] = useState<{ key: string; entries: AuditEntry[]; next: number | null; tables: string[]; labels: Record<string, string> } | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const seq = useRef(0);
  // Everyone who appeared on a page so far: the "who" filter's choices (auditors cannot list accounts).
  const actors = useRef(new Map<string, string>());

  const load = useCallback(
    async (before?: number) => {
      const f = JSON.parse(key) as Filters;
      const n = ++seq.current;
      setLoading(true);
      const res = await call(api.auditLog, {
        query: {
          ...(f.table ? { table: f.table } : {}),
          ...(f.op ? { op: f.op as AuditEntry['op'] } : {}),
          ...(f.community ? { communityId: f.community } : {}),
          ...(f.actor ? { actorId: f.actor } : {}),
          ...(f.from ? { from: f.from } : {}),
          ...(f.to ? { to: f.to } : {}),
          ...(before ? { before } : {}),
          limit: PAGE,
        },
      });
      if (n !== seq.current) return;
      setLoading(false);
      if (!res.ok) {
        setFailed(true);
        return;
      }
      setFailed(false);
      for (const e of res.data.entries) if (e.actor) actors.current.set(e.actor.id, e.actor.displayName);
      setPage((p) => {
        const more = before && p?.key === key;
        return { key, entries: more ? [...p.entries, ...res.data.entries] : res.data.entries, next: res.data.next, tables: res.data.tables, labels: more ? { ...p.labels, ...res.data.labels } : res.data.labels };
      });
    },
    [key],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const current = page?.key === key ? page : null;
  // Ids the reader knows by name: the communities and counties they may see, and the rows the entries mention.
  const counties = useCounties();
  const names = useMemo(
    () => new Map<string, string>([...(counties ?? []).map((c) => [c.id, c.name] as const), ...(communities.data ?? []).map((c) => [c.id, c.name] as const), ...Object.entries(current?.labels ?? {})]),
    [counties, communities.data, current?.labels],
  );
  const needRuleSets = current?.entries.some((e) => e.table === 'quota_rule_sets') ?? false;
  const ruleSets = useQuery(api.listQuotaRuleSets, needRuleSets ? { query: {} } : null);

  if (failed && !current) return <LoadError onRetry={() => void load()} />;
  const tables = [...new Set([...(page?.tables ?? []), ...(filters.table ? [filters.table] : [])])];
  const actorOptions = [...actors.current.entries()].map(([id, name]) => ({ value: id, label: name }));
  if (filters.actor && !actors.current.has(filters.actor)) actorOptions.push({ value: filters.actor, label: names.get(filters.actor) ?? t('audit.unnamed') });
  const filtered = FILTERS.some((f) => filters[f]);

  const columns: Column<AuditEntry>[] = [
    { key: 'at', header: t('audit.at'), render: (e) => <span className="num">{localDateTime(e.at, { seconds: true })}</span> },
    {
      key: 'actor',
      header: t('audit.actor'),
      render: (e) =>
        e.actor ? (
          <span className="cell-stack-v" data-testid="audit-actor">
            <button type="button" className="au-actor" onClick={() => setQuery({ actor: e.actor!.id })} title={t('audit.onlyActor', { name: e.actor.displayName })}>
              {e.actor.displayName}
            </button>
            <span className="muted">{e.actor.username}</span>
          </span>
        ) : (
          <span className="muted" data-testid="audit-actor">{isMessageKey(`audit.source.${e.source}`) ? t(`audit.source.${e.source}` as MessageKey) : t('audit.system', { source: e.source })}</span>
        ),
    },
    { key: 'op', header: t('audit.op'), render: (e) => <Badge tone={opTone[e.op]}>{t(`audit.op.${e.op}`)}</Badge> },
    {
      key: 'row',
      header: t('audit.row'),
      wrap: true,
      render: (e) => (
        <span className="cell-stack-v">
          <span>{tableLabel(t, e.table)}</span>
          <span className="muted">{e.communityName ?? scopeOf(t, e, names)}</span>
          <span className="muted au-rowid" title={e.rowId}>{rowLabel(e.rowId, names, e.table === 'teacher_subjects' ? subject : undefined)}</span>
        </span>
      ),
    },
    { key: 'changes', header: t('audit.changes'), wrap: true, render: (e) => <Changes entry={e} ruleSets={ruleSets.data} names={names} /> },
  ];

  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      {role === 'coordinator' && <p className="muted au-scope">{t('audit.coordinatorScope')}</p>}
      <Card flush>
        <div className="toolbar au-filters" data-testid="audit-filters">
          <Select value={filters.table} onChange={(v) => setQuery({ table: v })} options={[{ value: '', label: t('audit.allTables') }, ...tables.map((x) => ({ value: x, label: tableLabel(t, x) }))]} aria-label={t('audit.table')} data-testid="audit-table-filter" />
          <Select value={filters.op} onChange={(v) => setQuery({ op: v })} options={[{ value: '', label: t('audit.allOps') }, ...OPS.map((o) => ({ value: o, label: t(`audit.op.${o}`) }))]} aria-label={t('audit.op')} data-testid="audit-op-filter" />
          <Select
            value={filters.community}
            onChange={(v) => setQuery({ community: v })}
            options={[{ value: '', label: t('audit.allCommunities') }, ...(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))]}
            aria-label={t('quotas.community')}
            data-testid="audit-community-filter"
          />
          <Select value={filters.actor} onChange={(v) => setQuery({ actor: v })} options={[{ value: '', label: t('audit.allActors') }, ...actorOptions]} aria-label={t('audit.actor')} data-testid="audit-actor-filter" />
          <span className="au-dates">
          <label className="au-date">
            <span>{t('audit.from')}</span>
            <DateInput value={filters.from} onChange={(v) => setQuery({ from: v })} max={filters.to || undefined} aria-label={t('audit.from')} data-testid="audit-from" />
          </label>
          <label className="au-date">
            <span>{t('audit.to')}</span>
            <DateInput value={filters.to} onChange={(v) => setQuery({ to: v })} min={filters.from || undefined} aria-label={t('audit.to')} data-testid="audit-to" />
          </label>
          </span>
          {filtered && (
            <Button size="sm" variant="ghost" onClick={() => setQuery(Object.fromEntries(FILTERS.map((f) => [f, null])))}>
              {t('audit.clear')}
            </Button>
          )}
          {current && <span className="toolbar-count">{t('audit.shown', { n: current.entries.length })}</span>}
        </div>
        <Table testId="audit-table" columns={columns} rows={current?.entries} loading={loading && !current} rowKey={(e) => String(e.id)} empty={<EmptyState title={t('common.noMatches')} compact />} />
        {current && current.entries.length > 0 && (
          <div className="au-more">
            {current.next !== null ? (
              <Button onClick={() => void load(current.next!)} loading={loading} data-testid="audit-more">
                {t('audit.more')}
              </Button>
            ) : (
              <span className="muted">{t('audit.end')}</span>
            )}
          </div>
        )}
      </Card>
    </>
  );
}

/** Where an entry without a community belongs: a county (year closures) or the whole region (rules). */
function scopeOf(t: Translate, e: AuditEntry, names: ReadonlyMap<string, string>): string {
  const county = (e.after ?? e.before)?.['county_id'];
  if (typeof county === 'string') return names.get(county) ?? '';
  return ['quota_rule_sets', 'live_evidence_rules', 'live_st_rules', 'county_standards'].includes(e.table) ? t('audit.noScope') : '';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A row by the names of what its id is made of (a session / a classroom); ids without a name are left to the tooltip. */
const rowLabel = (id: string, names: ReadonlyMap<string, string>, code: (part: string) => string = (p) => p) =>
  id
    .split('/')
    .flatMap((p) => (UUID.test(p) ? (names.has(p.toLowerCase()) ? [names.get(p.toLowerCase())!] : []) : [code(p)]))
    .join(' / ');

/** What an entry did, readably: changed fields before → after, or the main fields of a created / deleted row. */
function Changes({ entry: e, ruleSets, names }: { entry: AuditEntry; ruleSets: QuotaRuleSet[] | undefined; names: ReadonlyMap<string, string> }) {
  const t = useT();
  const [all, setAll] = useState(false);
  const value = useValue(e, names);
  if (e.table === 'quota_rule_sets' && e.op === 'insert' && e.after) return <RuleSetInsert entry={e} ruleSets={ruleSets} />;
  if (e.op === 'update' && e.before && e.after) {
    const fields = [...e.changed].sort((a, b) => Number(QUIET.has(a)) - Number(QUIET.has(b)));
    if (!fields.length) return <span className="muted">—</span>;
    return (
      <dl className="au-diff" data-testid="audit-changes">
        {fields.map((f) => (
          <div key={f} className={`au-field${QUIET.has(f) ? ' au-field--quiet' : ''}`} data-field={f}>
            <dt>{fieldLabel(t, f)}</dt>
            <dd>
              {f === 'rules' ? (
                <RuleListChange before={e.before![f]} after={e.after![f]} />
              ) : (
                <>
                  {e.before![f] === null ? <span className="au-null" title={t('audit.before')}>—</span> : <del className="au-before" title={t('audit.before')}>{value(f, e.before![f])}</del>}
                  <span className="au-arrow" aria-hidden="true">→</span>
                  {e.after![f] === null ? <span className="au-null" title={t('audit.after')}>—</span> : <ins className="au-after" title={t('audit.after')}>{value(f, e.after![f])}</ins>}
                </>
              )}
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  const row = (e.after ?? e.before ?? {}) as Record<string, unknown>;
  const keys = Object.keys(row).filter((k) => row[k] !== null && row[k] !== '' && k !== 'id' && !QUIET.has(k) && !(Array.isArray(row[k]) && (row[k] as unknown[]).length === 0));
  keys.sort((a, b) => rank(a) - rank(b));
  const LIMIT = 5;
  const shown = all ? keys : keys.slice(0, LIMIT);
  const Tag = e.op === 'delete' ? 'del' : 'ins';
  return (
    <div data-testid="audit-changes">
      <dl className={`au-diff au-diff--${e.op}`}>
        {shown.map((f) => (
          <div key={f} className="au-field" data-field={f}>
            <dt>{fieldLabel(t, f)}</dt>
            <dd>
              <Tag className={e.op === 'delete' ? 'au-before' : 'au-after'}>{f === 'rules' ? <RuleList rules={row[f]} /> : value(f, row[f])}</Tag>
            </dd>
          </div>
        ))}
      </dl>
      {keys.length > LIMIT && (
        <button type="button" className="au-toggle" onClick={() => setAll(!all)}>
          {all ? t('audit.showLess') : t('audit.showAll', { n: keys.length })}
        </button>
      )}
    </div>
  );
}

const rank = (k: string) => {
  const i = FIRST.indexOf(k);
  return i < 0 ? FIRST.length + (k.endsWith('_id') ? 1 : 0) : i;
};

/** Secrets the audit trail records only as a fingerprint (password and code hashes, the sealed codes sheet). */
const SECRET_FIELDS = new Set(['password_hash', 'code_hash', 'credential_sheet']);
/** Roster columns holding codes (primary, urban, city, bachelor…), worded as the roster import words them. */
const ROSTER_CODED = new Set(['stage', 'locality', 'backbone_level', 'qualification']);

/** A value as people read it: times local, ids short (or the actor's name), codes named. */
function useValue(e: AuditEntry, names: ReadonlyMap<string, string>): (field: string, v: unknown) => ReactNode {
  const t = useT();
  const subject = useSubjectLabel();
  const counties = useCounties();
  return (field, v) => {
    if (v === null || v === undefined) return <span className="au-null">—</span>;
    if (typeof v === 'boolean') return v ? t('audit.yes') : t('audit.no');
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string') {
      if (v === '') return <span className="au-null">{t('audit.empty')}</span>;
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return localDateTime(v);
      if (UUID.test(v)) return e.actor && v === e.actor.id ? e.actor.displayName : (names.get(v.toLowerCase()) ?? <span className="au-null" title={v}>{t('audit.unnamed')}</span>);
      if (field === 'status' && isMessageKey(`schedule.status.${v}`)) return t(`schedule.status.${v}` as never);
      if (field === 'mode' && (v === 'interactive' || v === 'dedicated' || v === 'master')) return t(`quotas.mode.${v}`);
      if (field === 'kind' && (v === 'sync_lesson' || v === 'online_research' || v === 'offline_research')) return t(`quotas.itemKind.${v}`);
      if (field === 'subject_code' || (field === 'code' && e.table === 'subjects')) return subject(v);
      if (SECRET_FIELDS.has(field)) return t('audit.secret');
      if (field === 'role' && e.table === 'accounts' && isMessageKey(`role.${v}`)) return t(`role.${v}` as MessageKey);
      if (field === 'audit_level' && isMessageKey(`account.auditLevel.${v}`)) return t(`account.auditLevel.${v}` as MessageKey);
      if (field === 'locale' && isMessageKey(`audit.locale.${v}`)) return t(`audit.locale.${v}` as MessageKey);
      if (ROSTER_CODED.has(field) && isMessageKey(`roster.value.${v}`)) return t(`roster.value.${v}` as MessageKey);
      if (field === 'role' && e.table === 'community_memberships' && (v === 'core' || v === 'member')) return t(`community.role.${v}`);
      if (field === 'role' && e.table === 'session_classrooms' && (v === 'host' || v === 'member')) return t(`evidence.classroomRole.${v}`);
      if (field === 'region') return regionLabel(t, v, (code) => counties?.find((c) => c.code === code)?.name);
      if (field === 'description' && e.table === 'live_evidence_rules' && !typedDescription(v)) return liveRuleExplanation(t, e) ?? v;
      if (field === 'end_cause' && isMessageKey(`evidence.endCause.${v}`)) return t(`evidence.endCause.${v}` as MessageKey);
      if (field === 'reason' || field === 'status_reason') return statusReasonText(t, v);
      return v.length > 160 ? <span title={v}>{v.slice(0, 160)}…</span> : v;
    }
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.join(t('quotas.listSep'));
    if (field === 'outcomes' && Array.isArray(v)) return <Outcomes outcomes={v} />;
    const json = JSON.stringify(v);
    return <span className="mono au-json" title={json}>{json.length > 160 ? `${json.slice(0, 160)}…` : json}</span>;
  };
}

/** A counting rule version's explanation from its row (rule ID and figures). */
function liveRuleExplanation(t: Translate, e: AuditEntry): string | null {
  const row = e.after ?? e.before ?? {};
  const num = (k: string) => Number(row[k] ?? 0);
  return typeof row['rule_id'] === 'string' ? ruleExplanation(t, { ruleId: row['rule_id'], minShare: num('min_share'), minCount: num('min_count'), minSeconds: num('min_seconds') }) : null;
}

/** A verdict's rule outcomes: each rule by ID, passed or not, and its figures in the reader's language. */
function Outcomes({ outcomes }: { outcomes: unknown[] }) {
  const t = useT();
  const parsed = outcomes.flatMap((o) => {
    const r = RuleOutcome.safeParse(o);
    return r.success ? [r.data] : [];
  });
  return (
    <ul className="au-rules">
      {parsed.map((o) => (
        <li key={o.ruleId}>
          <code>{o.ruleId}</code> {o.passed ? t('evidence.passed') : t('evidence.failed')} · {figuresText(t, o)}
        </li>
      ))}
    </ul>
  );
}

const parseRules = (v: unknown): QuotaRule[] => (Array.isArray(v) ? v.flatMap((r) => { const p = QuotaRule.safeParse(r); return p.success ? [p.data] : []; }) : []);

function RuleList({ rules }: { rules: unknown }) {
  const locale = useLocale();
  return (
    <ul className="au-rules">
      {parseRules(rules).map((r) => (
        <li key={r.ruleId}>
          <code>{r.ruleId}</code> {ruleName(locale, r)} ≥ {r.minimum}
        </li>
      ))}
    </ul>
  );
}

function RuleListChange({ before, after }: { before: unknown; after: unknown }) {
  return <ChangeList changes={diffRules(parseRules(before), parseRules(after))} />;
}

/** Rule changes with the old number struck through and the new one marked. */
function ChangeList({ changes }: { changes: RuleChange[] }) {
  const t = useT();
  return (
    <ul className="au-rules" data-testid="audit-rule-changes">
      {changes.map((c, i) => (
        <li key={i} data-rule={c.ruleId}>
          {c.kind === 'minimum' || c.kind === 'maxPerWeek' ? (
            <>
              <code>{c.ruleId}</code> {t(c.kind === 'minimum' ? 'rules.minimum' : 'rules.maxPerWeek')} <del className="au-before">{c.from}</del>
              <span className="au-arrow" aria-hidden="true">→</span>
              <ins className="au-after">{c.to}</ins>
            </>
          ) : (
            changeText(t, c)
          )}
        </li>
      ))}
    </ul>
  );
}

/** A new rule version: where and which, and what it changed from the version before it. */
function RuleSetInsert({ entry: e, ruleSets }: { entry: AuditEntry; ruleSets: QuotaRuleSet[] | undefined }) {
  const t = useT();
  const counties = useCounties();
  const a = e.after as { region?: string; academic_year?: string; version?: number; rules?: unknown; note?: string };
  const region = regionLabel(t, a.region ?? '', (code) => counties?.find((c) => c.code === code)?.name);
  const prev = useMemo(
    () => (ruleSets ?? []).filter((s) => s.region === a.region && s.academicYear === a.academic_year && s.version < (a.version ?? 0)).sort((x, y) => y.version - x.version)[0],
    [ruleSets, a.region, a.academic_year, a.version],
  );
  const rules = parseRules(a.rules);
  return (
    <div className="au-ruleset" data-testid="audit-changes">
      <p>
        <strong>
          {region} {versionTag(t, a.version ?? 0)}
        </strong>{' '}
        <span className="muted">· {a.academic_year}</span>
        {a.note ? <span className="muted"> · {ruleSetNote(t, a.note)}</span> : null}
      </p>
      {prev ? (
        <>
          <p className="muted au-vs">{t('audit.vsVersion', { version: prev.version })}</p>
          {diffRules(prev.rules, rules).length ? <ChangeList changes={diffRules(prev.rules, rules)} /> : <p className="muted">{t('rules.noChanges')}</p>}
        </>
      ) : (
        <>
          <p className="muted au-vs">
            {t('rules.firstVersion')} · {t('audit.rulesCount', { n: rules.length })}
          </p>
          <RuleList rules={a.rules} />
        </>
      )}
    </div>
  );
}
