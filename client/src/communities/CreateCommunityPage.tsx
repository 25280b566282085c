import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api } from '../app/api.ts';
import { byName, schoolKind, todayIso } from '../app/format.ts';
import { useCommunityTypes, useCounties } from '../app/reference.ts';
import { navigate } from '../app/router.tsx';
import { useQuery } from '../app/useQuery.ts';
import { localName, useLocale, useT } from '../i18n/index.ts';
import { Button, Card, CheckboxGroup, DateInput, Field, FieldRow, FormErrors, LinkButton, PageHeader, Select, TextArea, TextInput, toast, useApiForm } from '../ui/index.ts';
import { useCommunities } from './store.ts';

/** Founding a community (admin): a county, a type, one core school and at least one member school. */
export function CreateCommunityPage() {
  const t = useT();
  const locale = useLocale();
  const counties = useCounties();
  const types = useCommunityTypes();
  const create = useCommunities((s) => s.create);
  const form = useApiForm(['countyId', 'name', 'typeCode', 'description', 'coreSchoolId', 'memberSchoolIds', 'validFrom']);

  const [countyId, setCountyId] = useState('');
  const [name, setName] = useState('');
  const [typeCode, setTypeCode] = useState('');
  const [description, setDescription] = useState('');
  const [coreSchoolId, setCore] = useState('');
  const [memberSchoolIds, setMembers] = useState<string[]>([]);
  const [validFrom, setValidFrom] = useState(todayIso());

  useEffect(() => {
    if (!countyId && counties?.length === 1) setCountyId(counties[0]!.id);
  }, [counties, countyId]);

  const schools = useQuery(api.listSchools, countyId ? { query: { unaffiliated: 'true', countyId } } : null);
  const sorted = useMemo(() => [...(schools.data ?? [])].sort(byName), [schools.data]);
  const type = types?.find((x) => x.code === typeCode);

  // Per-school errors (`memberSchoolIds.1`) appear beside the school they name.
  const itemErrors = form.items('memberSchoolIds');
  const memberErrors = Object.fromEntries(Object.entries(itemErrors).flatMap(([i, msg]) => (memberSchoolIds[Number(i)] ? [[memberSchoolIds[Number(i)]!, msg]] : [])));
  const listError = form.error?.fields?.filter((f) => f.field === 'memberSchoolIds').length ? form.of('memberSchoolIds') : Object.keys(itemErrors).length ? t('community.memberErrors') : undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await form.submit(() => create({ countyId, name, typeCode, description, coreSchoolId, memberSchoolIds, validFrom }));
    if (res?.ok) {
      toast.success(t('community.createdToast', { name: res.data.name }));
      navigate(`/communities/${res.data.id}`);
    }
  }

  return (
    <>
      <PageHeader breadcrumbs={[{ label: t('community.listTitle'), to: '/communities' }, { label: t('community.create') }]} title={t('community.create')} description={t('community.createDescription')} />
      <form className="form form--page" onSubmit={submit} noValidate data-testid="create-community-form">
        <FormErrors form={form} />
        <Card title={t('community.basics')}>
          <div className="form">
            <FieldRow>
              <Field label={t('school.county')} name="countyId" required error={form.of('countyId')}>
                <Select
                  value={countyId}
                  onChange={(v) => (setCountyId(v), setCore(''), setMembers([]), form.clear('countyId'))}
                  placeholder={t('common.choose')}
                  options={(counties ?? []).map((c) => ({ value: c.id, label: `${c.name}（${c.city}）` }))}
                  data-testid="community-county"
                />
              </Field>
              <Field label={t('community.type')} name="typeCode" required error={form.of('typeCode')} hint={type?.requiresDispatch ? t('community.requiresDispatchHint') : undefined}>
                <Select value={typeCode} onChange={(v) => (setTypeCode(v), form.clear('typeCode'))} placeholder={t('common.choose')} options={(types ?? []).map((x) => ({ value: x.code, label: localName(locale, x) }))} data-testid="community-type" />
              </Field>
            </FieldRow>
            <Field label={t('community.name')} name="name" required error={form.of('name')}>
              <TextInput value={name} onChange={(v) => (setName(v), form.clear('name'))} placeholder={t('community.namePlaceholder')} maxLength={120} data-testid="community-name" />
            </Field>
            <Field label={t('community.description')} name="description" error={form.of('description')}>
              <TextArea value={description} onChange={(v) => (setDescription(v), form.clear('description'))} rows={3} maxLength={2000} />
            </Field>
          </div>
        </Card>
        <Card title={t('community.schoolsTitle')} subtitle={t('community.schoolsSubtitle')}>
          <div className="form">
            <FieldRow>
              <Field label={t('community.coreSchool')} name="coreSchoolId" required error={form.of('coreSchoolId')}>
                <Select
                  value={coreSchoolId}
                  onChange={(v) => (setCore(v), setMembers((m) => m.filter((x) => x !== v)), form.clear('coreSchoolId'))}
                  placeholder={countyId ? t('common.choose') : t('community.pickCountyFirst')}
                  options={sorted.map((s) => ({ value: s.id, label: `${s.name}（${schoolKind(t, s)}）` }))}
                  data-testid="core-school"
                />
              </Field>
              <Field label={t('community.validFrom')} name="validFrom" required error={form.of('validFrom')} hint={t('community.validFromHint')}>
                <DateInput value={validFrom} onChange={(v) => (setValidFrom(v), form.clear('validFrom'))} />
              </Field>
            </FieldRow>
            <Field label={t('community.memberSchools', { n: memberSchoolIds.length })} name="memberSchoolIds" required error={listError} hint={t('community.memberSchoolsHint')}>
              <CheckboxGroup
                searchable
                value={memberSchoolIds}
                onChange={(v) => (setMembers(v), form.clear('memberSchoolIds'))}
                errors={memberErrors}
                options={sorted.filter((s) => s.id !== coreSchoolId).map((s) => ({ value: s.id, label: s.name, description: schoolKind(t, s) }))}
                empty={countyId ? t('community.noCandidates') : t('community.pickCountyFirst')}
                testId="member-schools"
              />
            </Field>
          </div>
        </Card>
        <div className="form-actions">
          <LinkButton to="/communities">{t('common.cancel')}</LinkButton>
          <Button type="submit" variant="primary" loading={form.submitting} data-testid="save">
            {t('community.createSubmit')}
          </Button>
        </div>
      </form>
    </>
  );
}
