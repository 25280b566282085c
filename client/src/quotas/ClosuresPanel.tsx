import { useState } from 'react';
import type { YearClosure } from '../../../shared/schemas/quotas.ts';
import { api, call } from '../app/api.ts';
import { localDateTime } from '../app/format.ts';
import { useCounties } from '../app/reference.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Alert, Badge, Button, Card, Dialog, EmptyState, Field, FormErrors, Icon, Select, Table, TextArea, TextInput, toast, useApiForm, type Column } from '../ui/index.ts';

/**
 * Closing a county's academic year (issue #5): closed and reopened years, per county;
 * an admin closes one (after a confirmation that says what it freezes) and reopens one
 * with a reason. The server freezes the numbers and the database refuses later changes
 * to the year's counted items; both acts are in the audit trail.
 */
export function ClosuresPanel({ year, years, admin }: { year: string; years: readonly string[]; admin: boolean }) {
  const t = useT();
  const counties = useCounties();
  const closures = useQuery(api.listYearClosures, { query: {} });
  const [countyId, setCounty] = useState('');
  const [closeYear, setCloseYear] = useState('');
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [reopening, setReopening] = useState<YearClosure | null>(null);
  const county = counties?.find((c) => c.id === (countyId || counties[0]?.id));
  const target = closeYear || (years.includes(year) ? year : (years[0] ?? ''));
  const openClosure = (cid: string, y: string) => closures.data?.find((c) => c.countyId === cid && c.academicYear === y && !c.reopenedAt);
  const alreadyClosed = county ? openClosure(county.id, target) : undefined;

  const columns: Column<YearClosure>[] = [
    { key: 'county', header: t('quotas.county'), render: (c) => c.countyName },
    { key: 'year', header: t('quotas.year'), render: (c) => <strong>{c.academicYear}</strong> },
    {
      key: 'state',
      header: t('rules.state'),
      wrap: true,
      render: (c) =>
        c.reopenedAt ? (
          <span className="cell-stack-v">
            <Badge tone="gray">{t('rules.reopenedState')}</Badge>
            <span className="muted">{t('rules.reopenedBy', { name: c.reopenedBy ?? '—', time: localDateTime(c.reopenedAt) })}</span>
            <span data-testid="reopen-reason-text">{t('rules.reasonLine', { reason: c.reopenReason ?? '' })}</span>
          </span>
        ) : (
          <span className="cell-stack-v">
            <Badge tone="red">
              <span className="qr-badge-icon">
                <Icon name="lock" size={13} />
                {t('rules.closed')}
              </span>
            </Badge>
            <span className="muted">{t('rules.frozen')} · {t('rules.frozenCount', { n: c.communities })}</span>
          </span>
        ),
    },
    {
      key: 'closed',
      header: t('rules.closedAt'),
      render: (c) => (
        <span className="cell-stack-v">
          <span className="num">{localDateTime(c.closedAt)}</span>
          {c.closedBy && <span className="muted">{t('quotas.closedBy', { name: c.closedBy })}</span>}
        </span>
      ),
    },
    { key: 'note', header: t('rules.closeNote'), wrap: true, secondary: true, render: (c) => c.note || <span className="muted">—</span> },
    ...(admin
      ? [
          {
            key: 'actions',
            header: '',
            align: 'right' as const,
            render: (c: YearClosure) =>
              c.reopenedAt ? null : (
                <Button size="sm" onClick={() => setReopening(c)} data-testid={`reopen-${c.academicYear}`}>
                  {t('rules.reopen')}
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Alert tone="info">{t('rules.closeHelp')}</Alert>
      {admin && counties && (
        <Card title={t('rules.closeNew')} testId="close-year-form">
          <div className="qr-close-form">
            <Field label={t('quotas.county')} name="countyId">
              <Select value={county?.id ?? ''} onChange={setCounty} options={counties.map((c) => ({ value: c.id, label: c.name }))} data-testid="close-county" />
            </Field>
            <Field label={t('quotas.year')} name="academicYear">
              <Select
                value={target}
                onChange={setCloseYear}
                options={years.map((y) => ({ value: y, label: `${y}${county && openClosure(county.id, y) ? t('rules.isClosed') : ''}` }))}
                data-testid="close-academic-year"
              />
            </Field>
            <Field label={t('rules.closeNote')} name="note">
              <TextInput value={note} onChange={setNote} maxLength={500} data-testid="close-note" />
            </Field>
            <Button variant="danger" icon="lock" onClick={() => setConfirming(true)} disabled={!county || !target || !!alreadyClosed} data-testid="close-year">
              {t('rules.close')}
            </Button>
          </div>
        </Card>
      )}
      <Card title={t('rules.closedYears')} flush>
        <Table
          testId="closures-table"
          columns={columns}
          rows={closures.data}
          rowKey={(c) => c.id}
          muted={(c) => !!c.reopenedAt}
          empty={<EmptyState title={t('rules.noClosures')} compact icon="lock" />}
        />
      </Card>
      {confirming && county && (
        <CloseDialog
          countyId={county.id}
          countyName={county.name}
          academicYear={target}
          note={note}
          onClose={() => setConfirming(false)}
          onDone={() => {
            setNote('');
            void closures.reload();
          }}
        />
      )}
      {reopening && <ReopenDialog closure={reopening} onClose={() => setReopening(null)} onDone={() => void closures.reload()} />}
    </>
  );
}

function CloseDialog({ countyId, countyName, academicYear, note, onClose, onDone }: { countyId: string; countyName: string; academicYear: string; note: string; onClose(): void; onDone(): void }) {
  const t = useT();
  // The dialog has no inputs: every refusal (a 409 "already closed", a 400) shows above its text.
  const form = useApiForm([]);
  const confirm = async () => {
    const res = await form.submit(() => call(api.closeYear, { body: { countyId, academicYear, note } }));
    if (res?.ok) {
      toast.success(t('rules.closedToast', { county: countyName, year: academicYear }));
      onDone();
      onClose();
    }
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={t('rules.closeTitle', { county: countyName, year: academicYear })}
      testId="close-dialog"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="danger" icon="lock" onClick={() => void confirm()} loading={form.submitting} data-testid="close-confirm">
            {t('rules.close')}
          </Button>
        </>
      }
    >
      <div className="form">
        <FormErrors form={form} />
        <p className="dialog-text">{t('rules.closeConfirm', { county: countyName, year: academicYear })}</p>
        {note && (
          <p className="muted">
            {t('rules.closeNote')}：{note}
          </p>
        )}
      </div>
    </Dialog>
  );
}

function ReopenDialog({ closure, onClose, onDone }: { closure: YearClosure; onClose(): void; onDone(): void }) {
  const t = useT();
  const form = useApiForm(['reason']);
  const [reason, setReason] = useState('');
  const confirm = async () => {
    const res = await form.submit(() => call(api.reopenYear, { params: { id: closure.id }, body: { reason } }));
    if (res?.ok) {
      toast.success(t('rules.reopenedToast', { county: closure.countyName, year: closure.academicYear }));
      onDone();
      onClose();
    }
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={t('rules.reopenTitle', { county: closure.countyName, year: closure.academicYear })}
      testId="reopen-dialog"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" onClick={() => void confirm()} loading={form.submitting} data-testid="reopen-confirm">
            {t('rules.reopen')}
          </Button>
        </>
      }
    >
      <div className="form">
        <FormErrors form={form} />
        <p className="dialog-text">{t('rules.reopenExplain')}</p>
        <Field label={t('rules.reopenReason')} name="reason" required error={form.of('reason')}>
          <TextArea
            value={reason}
            onChange={(v) => {
              setReason(v);
              form.clear('reason');
            }}
            rows={3}
            maxLength={1000}
            data-testid="reopen-reason"
          />
        </Field>
      </div>
    </Dialog>
  );
}
