import { useEffect, useState, type FormEvent } from 'react';
import type { Community } from '../../../shared/schemas/communities.ts';
import type { LiveSession } from '../../../shared/schemas/schedule.ts';
import { api, call } from '../app/api.ts';
import { localDateTime } from '../app/format.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Alert, Button, Card, Field, FormErrors, Table, TextInput, toast, useApiForm, type Column } from '../ui/index.ts';

/**
 * Lessons still to come whose member schools have all left by their day
 * (Q-PLANNED-LESSON-MEMBERS): they no longer count, so the quota forecast leaves them
 * out; a coordinator cancels them here in one act, with a reason.
 */
export function StrandedLessons({ community, canManage }: { community: Community; canManage: boolean }) {
  const t = useT();
  const stranded = useQuery(api.listStrandedLessons, { params: { communityId: community.id } });
  // A membership that ends (or its end moves) changes which lessons are stranded.
  const memberships = JSON.stringify(community.memberships.map((m) => [m.id, m.validTo]));
  const { reload } = stranded;
  useEffect(() => {
    void reload();
  }, [memberships, reload]);

  const lessons = stranded.data ?? [];
  if (lessons.length === 0) return null;
  const columns: Column<LiveSession>[] = [
    { key: 'when', header: t('community.stranded.when'), render: (s) => <span className="num">{localDateTime(s.startsAt, { timeZone: s.timeZone })}</span> },
    { key: 'title', header: t('community.stranded.lesson'), wrap: true, render: (s) => s.title },
    {
      key: 'schools',
      header: t('community.stranded.schools'),
      wrap: true,
      render: (s) => [...new Set(s.classrooms.filter((c) => c.role === 'member').map((c) => c.schoolName))].join('、'),
    },
  ];
  return (
    <Card title={t('community.stranded.title', { n: lessons.length })} flush testId="stranded-lessons">
      <Alert tone="warning">{t('community.stranded.text')}</Alert>
      <Table columns={columns} rows={lessons} rowKey={(s) => s.id} label={t('community.stranded.title', { n: lessons.length })} />
      {canManage && <CancelStranded communityId={community.id} onDone={() => void reload()} />}
    </Card>
  );
}

function CancelStranded({ communityId, onDone }: { communityId: string; onDone(): void }) {
  const t = useT();
  const form = useApiForm(['reason']);
  const [reason, setReason] = useState(t('community.stranded.defaultReason'));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await form.submit(() => call(api.cancelStrandedLessons, { params: { communityId }, body: { reason } }));
    if (res?.ok) {
      toast.success(t('community.stranded.cancelled', { n: res.data.sessions.length }));
      onDone();
    }
  };
  return (
    <form className="form stranded-cancel" onSubmit={(e) => void submit(e)} noValidate>
      <FormErrors form={form} />
      <Field label={t('community.stranded.reason')} name="reason" error={form.of('reason')}>
        <TextInput value={reason} onChange={(v) => (setReason(v), form.clear('reason'))} maxLength={500} data-testid="stranded-reason" />
      </Field>
      <Button type="submit" variant="danger" loading={form.submitting} data-testid="cancel-stranded">
        {t('community.stranded.cancelAll')}
      </Button>
    </form>
  );
}
