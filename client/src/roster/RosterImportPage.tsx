import { useEffect, useState } from 'react';
import type { RosterChange, RosterResult, RosterRowError, RosterSheet } from '../../../shared/schemas/roster.ts';
import { api, call } from '../app/api.ts';
import { useSession } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { isMessageKey, useT, type MessageKey, type Translate } from '../i18n/index.ts';
import { Alert, Button, Card, Field, FormErrors, PageHeader, Select, SpreadsheetInput, Table, toast, useApiForm } from '../ui/index.ts';
import './roster.css';

const SHEETS: RosterSheet[] = ['schools', 'classrooms', 'teachers', 'accounts', 'resources'];

/** A row error worded from its code and parameters (the server's message is the fallback). */
function rowProblem(t: Translate, e: RosterRowError): string {
  const key = `roster.error.${e.code}`;
  return isMessageKey(key) ? t(key, e.params) : e.message;
}

/** A planned change worded in the reader's language: field names, and coded values (stage, yes/no, levels…). */
function changeText(t: Translate, c: RosterChange): string {
  const word = (prefix: string, v: string) => (isMessageKey(`${prefix}${v}`) ? t(`${prefix}${v}` as MessageKey) : v);
  const value = (v: string | null) => (v === null ? '—' : word('roster.value.', v));
  return c.fields
    .map((f) => `${word('roster.field.', f.field)}: ${c.action === 'create' ? value(f.after) : `${value(f.before)} → ${value(f.after)}`}`)
    .join(t('common.listSeparator'));
}

/**
 * An administrator (a county) or a coordinator (their communities' schools) uploads the county
 * roster: a dry run lists every bad row and the changes; confirming writes them all at once
 * (C-ROSTER-*); new accounts' sign-in codes are fetched once as a printable sheet.
 */
export function RosterImportPage() {
  const t = useT();
  const me = useSession((s) => s.me);
  const counties = useQuery(api.listCounties, {});
  const [countyId, setCountyId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<RosterResult | null>(null);
  const [sheetTaken, setSheetTaken] = useState(false);
  const form = useApiForm(['file']);
  useEffect(() => {
    if (!countyId && counties.data?.[0]) setCountyId(counties.data[0].id);
  }, [counties.data, countyId]);

  const run = async (dryRun: boolean) => {
    if (!file || !countyId) return;
    const body = dryRun ? { dryRun } : { dryRun, fingerprint: result?.fingerprint };
    const res = await form.submit(() => call(api.importRoster, { params: { countyId }, body, file }));
    if (res?.ok) {
      setResult(res.data);
      setSheetTaken(false);
      if (res.data.committed) toast.success(t('roster.done', { rows: res.data.rows }));
    } else if (res && !res.ok && res.error.conflict?.kind === 'roster_changed') {
      setResult(null);
      toast.error(t('roster.changed'));
    }
  };

  const takeSheet = async (format: 'html' | 'xlsx') => {
    if (!result?.importId || !result.credentials) return;
    const res = await call(api.rosterCredentials, { params: { importId: result.importId }, body: { key: result.credentials.key, format } });
    setSheetTaken(true);
    if (!res.ok) return;
    const url = URL.createObjectURL(res.data);
    if (format === 'html') window.open(url, '_blank');
    else {
      const a = document.createElement('a');
      a.href = url;
      a.download = '账号登录码.xlsx';
      a.click();
    }
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  return (
    <>
      <PageHeader title={t('roster.title')} description={t('roster.description')} />
      <Card>
        {me?.account.role === 'coordinator' && <Alert tone="info">{t('roster.scopeNote')}</Alert>}
        <div className="roster-actions">
          <a className="btn btn--secondary btn--md" href={`${api.rosterTemplate.path}?format=xlsx`} download>
            <span>{t('roster.templateXlsx')}</span>
          </a>
          {SHEETS.map((sheet) => (
            <a key={sheet} className="btn btn--ghost btn--md" href={`${api.rosterTemplate.path}?format=csv&sheet=${sheet}`} download>
              <span>{t('roster.templateCsv', { sheet: t(`roster.sheet.${sheet}`) })}</span>
            </a>
          ))}
        </div>
        <FormErrors form={form} />
        <Field label={t('roster.county')}>
          <Select value={countyId} onChange={(v) => { setCountyId(v); setResult(null); }} options={(counties.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        </Field>
        <Field label={t('roster.file')} name="file" error={form.of('file')}>
          <SpreadsheetInput
            onChange={(f) => {
              setFile(f);
              setResult(null);
            }}
            testId="roster-file"
          />
        </Field>
        <div className="roster-actions">
          <Button onClick={() => void run(true)} disabled={!file || !countyId} loading={form.submitting} data-testid="roster-dry-run">
            {t('roster.dryRun')}
          </Button>
          <Button variant="primary" onClick={() => void run(false)} disabled={!file || !result || !result.dryRun || result.errors.length > 0} data-testid="roster-commit">
            {t('roster.commit')}
          </Button>
        </div>
      </Card>
      {result && (
        <Card testId="roster-result">
          {result.errors.length > 0 ? (
            <>
              <Alert tone="danger">{t('roster.errors', { n: result.errors.length })}</Alert>
              <Table
                rows={result.errors}
                rowKey={(e) => `${e.sheet}-${e.row}-${e.column}-${e.code}`}
                columns={[
                  { key: 'sheet', header: t('roster.summary.sheet'), render: (e) => t(`roster.sheet.${e.sheet}`), width: '80px' },
                  { key: 'row', header: t('roster.row'), render: (e) => e.row, width: '64px' },
                  { key: 'column', header: t('roster.column'), render: (e) => e.column ?? '—' },
                  { key: 'problem', header: t('roster.problem'), wrap: true, render: (e) => rowProblem(t, e) },
                ]}
              />
            </>
          ) : (
            <Alert tone="success">{result.committed ? t('roster.done', { rows: result.rows }) : t('roster.ok', { rows: result.rows })}</Alert>
          )}
          <Table
            rows={SHEETS}
            rowKey={(s) => s}
            columns={[
              { key: 'sheet', header: t('roster.summary.sheet'), render: (s) => t(`roster.sheet.${s}`) },
              { key: 'create', header: t('roster.summary.create'), render: (s) => result.summary[s].create },
              { key: 'update', header: t('roster.summary.update'), render: (s) => result.summary[s].update },
              { key: 'unchanged', header: t('roster.summary.unchanged'), render: (s) => result.summary[s].unchanged },
            ]}
          />
          {result.credentials && (
            <Alert tone="warning" testId="roster-credentials">
              {sheetTaken ? t('roster.credentialsTaken') : t('roster.credentials', { n: result.credentials.accounts, time: new Date(result.credentials.expiresAt).toLocaleString() })}
              {!sheetTaken && (
                <div className="roster-actions">
                  <Button onClick={() => void takeSheet('html')} data-testid="roster-sheet-html">{t('roster.credentialsHtml')}</Button>
                  <Button onClick={() => void takeSheet('xlsx')}>{t('roster.credentialsXlsx')}</Button>
                </div>
              )}
            </Alert>
          )}
          {result.changes.length > 0 && (
            <Table
              rows={result.changes}
              rowKey={(c) => `${c.sheet}-${c.row}`}
              columns={[
                { key: 'sheet', header: t('roster.summary.sheet'), render: (c) => t(`roster.sheet.${c.sheet}`), width: '80px' },
                { key: 'row', header: t('roster.row'), render: (c) => c.row, width: '64px' },
                { key: 'action', header: t('roster.action'), render: (c) => t(`roster.action.${c.action}`), width: '72px' },
                { key: 'key', header: t('roster.key'), render: (c) => c.key },
                { key: 'fields', header: t('roster.fields'), wrap: true, render: (c) => changeText(t, c) },
              ]}
            />
          )}
          {result.changesLeftOut > 0 && <p>{t('roster.leftOut', { n: result.changesLeftOut })}</p>}
        </Card>
      )}
    </>
  );
}
