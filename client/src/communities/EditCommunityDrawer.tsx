import { useState, type FormEvent } from 'react';
import type { Community } from '../../../shared/schemas/communities.ts';
import { useCommunityTypes } from '../app/reference.ts';
import { localName, useLocale, useT } from '../i18n/index.ts';
import { Button, Drawer, Field, FormErrors, Select, TextArea, TextInput, toast, useApiForm } from '../ui/index.ts';
import { useCommunities } from './store.ts';

export function EditCommunityDrawer({ community, onClose }: { community: Community; onClose(): void }) {
  const t = useT();
  const locale = useLocale();
  const types = useCommunityTypes();
  const update = useCommunities((s) => s.update);
  const form = useApiForm(['name', 'typeCode', 'description']);
  const [name, setName] = useState(community.name);
  const [typeCode, setTypeCode] = useState(community.typeCode);
  const [description, setDescription] = useState(community.description);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await form.submit(() => update(community.id, { name, typeCode, description }));
    if (res?.ok) {
      toast.success(t('common.saved'));
      onClose();
    }
  }

  return (
    <Drawer
      open
      onClose={onClose}
      title={t('community.editTitle')}
      subtitle={community.name}
      testId="edit-community-drawer"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="edit-community" variant="primary" loading={form.submitting} data-testid="save">
            {t('common.save')}
          </Button>
        </>
      }
    >
      <form id="edit-community" className="form" onSubmit={submit} noValidate>
        <FormErrors form={form} />
        <Field label={t('community.name')} name="name" required error={form.of('name')}>
          <TextInput value={name} onChange={(v) => (setName(v), form.clear('name'))} maxLength={120} />
        </Field>
        <Field label={t('community.type')} name="typeCode" required error={form.of('typeCode')} hint={types?.find((x) => x.code === typeCode)?.requiresDispatch ? t('community.requiresDispatchHint') : undefined}>
          <Select value={typeCode} onChange={(v) => (setTypeCode(v), form.clear('typeCode'))} options={(types ?? []).map((x) => ({ value: x.code, label: localName(locale, x) }))} />
        </Field>
        <Field label={t('community.description')} name="description" error={form.of('description')}>
          <TextArea value={description} onChange={(v) => (setDescription(v), form.clear('description'))} rows={4} maxLength={2000} />
        </Field>
      </form>
    </Drawer>
  );
}
