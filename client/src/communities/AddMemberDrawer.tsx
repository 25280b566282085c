import { useState, type FormEvent } from 'react';
import type { Community } from '../../../shared/schemas/communities.ts';
import { api, call } from '../app/api.ts';
import { schoolKind, todayIso } from '../app/format.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Alert, Button, DateInput, Drawer, Field, FieldRow, FormErrors, Segmented, Select, toast, useApiForm } from '../ui/index.ts';
import { emptySchool, schoolBody, SchoolFields, schoolFieldNames, type SchoolDraft } from '../schools/SchoolFields.tsx';
import { useCommunities } from './store.ts';

type Mode = 'existing' | 'new';

/**
 * A school joins the community as a member (成员校): one that belongs to no
 * community today, or a new one entered here.
 */
export function AddMemberDrawer({ community, onClose }: { community: Community; onClose(): void }) {
  const t = useT();
  const addMembership = useCommunities((s) => s.addMembership);
  const candidates = useQuery(api.listSchools, { query: { unaffiliated: 'true', countyId: community.countyId } });
  const [mode, setMode] = useState<Mode>('existing');
  const [schoolId, setSchoolId] = useState('');
  const [draft, setDraft] = useState<SchoolDraft>(emptySchool);
  const [validFrom, setValidFrom] = useState(todayIso());
  const [validTo, setValidTo] = useState('');
  const schoolForm = useApiForm(schoolFieldNames);
  const form = useApiForm(['schoolId', 'validFrom', 'validTo']);
  const busy = form.submitting || schoolForm.submitting;

  async function submit(e: FormEvent) {
    e.preventDefault();
    let id = schoolId;
    let name = candidates.data?.find((s) => s.id === id)?.name ?? '';
    if (mode === 'existing' && !id) {
      form.fail({ code: 'validation', message: 'schoolId', fields: [{ field: 'schoolId', code: 'required', message: t('community.pickSchool') }] });
      return;
    }
    if (mode === 'new') {
      const created = await schoolForm.submit(() => call(api.createSchool, { body: { countyId: community.countyId, ...schoolBody(draft) } }));
      if (!created?.ok) return;
      id = created.data.id;
      name = created.data.name;
      // If joining fails below, the school exists now: offer it as an existing one.
      await candidates.reload();
      setMode('existing');
      setSchoolId(id);
      setDraft(emptySchool);
    }
    const res = await form.submit(() => addMembership(community.id, { schoolId: id, role: 'member', validFrom, validTo: validTo || null }));
    if (res?.ok) {
      toast.success(t('community.addedToast', { school: name }));
      onClose();
    }
  }

  const options = (candidates.data ?? []).map((s) => ({ value: s.id, label: `${s.name}（${schoolKind(t, s)}）` }));

  return (
    <Drawer
      open
      onClose={onClose}
      title={t('community.addMember')}
      subtitle={community.name}
      testId="add-member-drawer"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="add-member" variant="primary" loading={busy} data-testid="save">
            {t('community.addMemberSubmit')}
          </Button>
        </>
      }
    >
      <form id="add-member" className="form" onSubmit={submit} noValidate>
        <Segmented<Mode>
          value={mode}
          onChange={setMode}
          label={t('community.addMember')}
          options={[
            { value: 'existing', label: t('community.existingSchool') },
            { value: 'new', label: t('community.newSchool') },
          ]}
        />
        <FormErrors form={schoolForm} />
        <FormErrors form={form} />
        {mode === 'existing' ? (
          <Field
            label={t('community.school')}
            name="schoolId"
            required
            error={form.of('schoolId')}
            hint={candidates.data && candidates.data.length === 0 ? t('community.noCandidates') : t('community.candidatesHint')}
          >
            <Select value={schoolId} onChange={(v) => (setSchoolId(v), form.clear('schoolId'))} placeholder={candidates.loading ? t('common.loading') : t('community.pickSchool')} options={options} data-testid="member-school" />
          </Field>
        ) : (
          <>
            <Alert tone="info">{t('community.newSchoolHint')}</Alert>
            <SchoolFields value={draft} onChange={setDraft} form={schoolForm} />
          </>
        )}
        <FieldRow>
          <Field label={t('community.validFrom')} name="validFrom" required error={form.of('validFrom')}>
            <DateInput value={validFrom} onChange={(v) => (setValidFrom(v), form.clear('validFrom'))} data-testid="valid-from" />
          </Field>
          <Field label={t('community.validTo')} name="validTo" error={form.of('validTo')} hint={t('community.validToOptional')}>
            <DateInput value={validTo} onChange={(v) => (setValidTo(v), form.clear('validTo'))} min={validFrom} data-testid="valid-to" />
          </Field>
        </FieldRow>
      </form>
    </Drawer>
  );
}
