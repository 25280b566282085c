import { useState, type FormEvent } from 'react';
import type { Community, Membership } from '../../../shared/schemas/communities.ts';
import { addDays, todayIso } from '../app/format.ts';
import { useT } from '../i18n/index.ts';
import { Button, DateInput, Dialog, Field, FormErrors, toast, useApiForm } from '../ui/index.ts';
import { useCommunities } from './store.ts';

interface Props {
  community: Community;
  membership: Membership;
  onClose(): void;
}

/** Sets (or clears) the day a school leaves: 退出日期, exclusive. */
export function EndMembershipDialog({ community, membership, onClose }: Props) {
  const t = useT();
  const setValidTo = useCommunities((s) => s.setValidTo);
  const form = useApiForm(['validTo']);
  // Today, or the first day it can be (the leave date comes after the join date).
  const earliest = addDays(membership.validFrom, 1);
  const [validTo, setDate] = useState(membership.validTo ?? (todayIso() > earliest ? todayIso() : earliest));

  async function save(value: string | null) {
    if (value === '') {
      form.fail({ code: 'validation', message: 'validTo', fields: [{ field: 'validTo', code: 'required', message: t('community.validToRequired') }] });
      return;
    }
    const res = await form.submit(() => setValidTo(community.id, membership.id, value));
    if (res?.ok) {
      toast.success(value ? t('community.endedToast', { school: membership.schoolName, date: value }) : t('common.saved'));
      onClose();
    }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(validTo);
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={membership.validTo ? t('community.changeValidTo') : t('community.endMembership')}
      subtitle={membership.schoolName}
      testId="end-membership-dialog"
      footer={
        <>
          {membership.validTo && (
            <Button variant="ghost" className="mr-auto" onClick={() => void save(null)} disabled={form.submitting}>
              {t('community.clearValidTo')}
            </Button>
          )}
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="end-membership" variant="primary" loading={form.submitting} data-testid="confirm-end">
            {t('common.confirm')}
          </Button>
        </>
      }
    >
      <form id="end-membership" className="form" onSubmit={submit} noValidate>
        <FormErrors form={form} />
        <p className="dialog-text">{t('community.endExplain', { school: membership.schoolName, from: membership.validFrom })}</p>
        <Field label={t('community.validTo')} name="validTo" required error={form.of('validTo')} hint={t('community.validToHint')}>
          <DateInput value={validTo} onChange={(v) => (setDate(v), form.clear('validTo'))} min={earliest} data-testid="valid-to" />
        </Field>
      </form>
    </Dialog>
  );
}

/** Deletes a membership entered by mistake (history is kept by ending one instead). */
export function RemoveMembershipDialog({ community, membership, onClose }: Props) {
  const t = useT();
  const remove = useCommunities((s) => s.removeMembership);
  const form = useApiForm([]);
  async function confirm() {
    const res = await form.submit(() => remove(community.id, membership.id));
    if (res?.ok) {
      toast.success(t('community.removedToast', { school: membership.schoolName }));
      onClose();
    }
  }
  return (
    <Dialog
      open
      onClose={onClose}
      title={t('community.removeMembership')}
      subtitle={membership.schoolName}
      testId="remove-membership-dialog"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="danger" loading={form.submitting} onClick={() => void confirm()} data-testid="confirm-remove">
            {t('community.removeConfirm')}
          </Button>
        </>
      }
    >
      <div className="form">
        <FormErrors form={form} />
        <p className="dialog-text">{t('community.removeExplain')}</p>
      </div>
    </Dialog>
  );
}
