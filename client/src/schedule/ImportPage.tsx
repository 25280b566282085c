import { useEffect, useState } from 'react';
import type { ImportResult } from '../../../shared/schemas/schedule.ts';
import { api, call } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { useFieldT } from '../i18n/fieldMessages.ts';
import { useT } from '../i18n/index.ts';
import { Alert, Button, Card, Field, FormErrors, PageHeader, Select, SpreadsheetInput, Table, toast, useApiForm } from '../ui/index.ts';
import './schedule.css';

/** A coordinator uploads a term plan: a dry run lists every row's problems; the import is all or nothing. */
export function ImportPage() {
  const t = useT();
  const tField = useFieldT();
  const communities = useQuery(api.listCommunities, {});
  const [communityId, setCommunityId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const form = useApiForm(['file']);
  useEffect(() => {
    if (!communityId && communities.data?.[0]) setCommunityId(communities.data[0].id);
  }, [communities.data, communityId]);

  const run = async (dryRun: boolean) => {
    if (!file || !communityId) return;
    const res = await form.submit(() => call(api.importSchedule, { params: { communityId }, body: { dryRun }, file }));
    if (res?.ok) {
      setResult(res.data);
      if (res.data.committed) toast.success(t('schedule.import.done', { n: res.data.sessions }));
    }
  };

  return (
    <>
      <PageHeader title={t('schedule.import.title')} description={t('schedule.import.description')} breadcrumbs={[{ label: t('schedule.title'), to: '/schedule' }]} />
      <Card>
        <div className="sched-feed-actions">
          <a className="btn btn--secondary btn--md" href={`${api.importTemplate.path}?format=xlsx`} download>
            <span>{t('schedule.import.templateXlsx')}</span>
          </a>
          <a className="btn btn--secondary btn--md" href={`${api.importTemplate.path}?format=csv`} download>
            <span>{t('schedule.import.templateCsv')}</span>
          </a>
        </div>
        <FormErrors form={form} />
        <Field label={t('schedule.community')}>
          <Select value={communityId} onChange={setCommunityId} options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        </Field>
        <Field label={t('schedule.import.file')} name="file" error={form.of('file')}>
          <SpreadsheetInput
            onChange={(f) => {
              setFile(f);
              setResult(null);
            }}
            testId="import-file"
          />
        </Field>
        <div className="sched-feed-actions">
          <Button onClick={() => void run(true)} disabled={!file} loading={form.submitting} data-testid="import-dry-run">
            {t('schedule.import.dryRun')}
          </Button>
          <Button variant="primary" onClick={() => void run(false)} disabled={!file || !result || result.errors.length > 0 || result.committed} data-testid="import-run">
            {t('schedule.import.run')}
          </Button>
        </div>
      </Card>
      {result && (
        <Card testId="import-result">
          {result.errors.length === 0 ? (
            <Alert tone="success">{result.committed ? t('schedule.import.done', { n: result.sessions }) : t('schedule.import.ok', { rows: result.rows, n: result.sessions })}</Alert>
          ) : (
            <>
              <Alert tone="danger">{t('schedule.import.errors', { n: result.errors.length })}</Alert>
              <Table
                rows={result.errors}
                rowKey={(e) => `${e.row}-${e.column}-${e.message}`}
                columns={[
                  { key: 'row', header: t('schedule.import.row'), render: (e) => e.row, width: '64px' },
                  { key: 'column', header: t('schedule.import.column'), render: (e) => e.column ?? '—' },
                  { key: 'message', header: t('schedule.import.message'), wrap: true, render: (e) => tField({ field: e.column ?? '', code: e.code ?? '', message: e.message, ...(e.params ? { params: e.params } : {}) }) },
                ]}
              />
            </>
          )}
        </Card>
      )}
    </>
  );
}
