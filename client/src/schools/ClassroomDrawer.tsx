import { useState, type FormEvent } from 'react';
import type { Classroom } from '../../../shared/schemas/places.ts';
import { api, call } from '../app/api.ts';
import { useT } from '../i18n/index.ts';
import { Button, Checkbox, Drawer, Field, FormErrors, TextInput, toast, useApiForm } from '../ui/index.ts';

/** Adds a classroom to a school (no `classroom`) or edits one. */
export function ClassroomDrawer({ schoolId, classroom, onClose, onSaved }: { schoolId: string; classroom?: Classroom | undefined; onClose(): void; onSaved(): void }) {
  const t = useT();
  const form = useApiForm(['name', 'hasJoinTerminal', 'capacity']);
  const [name, setName] = useState(classroom?.name ?? '');
  const [hasJoinTerminal, setTerminal] = useState(classroom?.hasJoinTerminal ?? false);
  const [capacity, setCapacity] = useState(classroom?.capacity != null ? String(classroom.capacity) : '');

  async function submit(e: FormEvent) {
    e.preventDefault();
    const cap = capacity.trim() === '' ? null : Number(capacity);
    if (cap !== null && !Number.isFinite(cap)) {
      form.fail({ code: 'validation', message: 'capacity', fields: [{ field: 'capacity', code: 'invalid_type', message: t('classroom.capacityNumber') }] });
      return;
    }
    const body = { name, hasJoinTerminal, capacity: cap };
    const res = await form.submit(() => (classroom ? call(api.updateClassroom, { params: { id: classroom.id }, body }) : call(api.createClassroom, { params: { schoolId }, body })));
    if (res?.ok) {
      toast.success(classroom ? t('common.saved') : t('classroom.createdToast', { name: res.data.name }));
      onSaved();
      onClose();
    }
  }

  return (
    <Drawer
      open
      onClose={onClose}
      title={classroom ? t('classroom.editTitle') : t('classroom.add')}
      subtitle={classroom?.name}
      testId="classroom-drawer"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="classroom-form" variant="primary" loading={form.submitting} data-testid="save">
            {classroom ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <form id="classroom-form" className="form" onSubmit={submit} noValidate>
        <FormErrors form={form} />
        <Field label={t('classroom.name')} name="name" required error={form.of('name')} hint={t('classroom.nameHint')}>
          <TextInput value={name} onChange={(v) => (setName(v), form.clear('name'))} maxLength={120} data-testid="classroom-name" />
        </Field>
        <Field label={t('classroom.capacity')} name="capacity" error={form.of('capacity')} hint={t('classroom.capacityHint')}>
          <TextInput type="number" inputMode="numeric" min={1} max={500} value={capacity} onChange={(v) => (setCapacity(v), form.clear('capacity'))} className="input--short" data-testid="classroom-capacity" />
        </Field>
        <Field name="hasJoinTerminal" error={form.of('hasJoinTerminal')}>
          <Checkbox checked={hasJoinTerminal} onChange={(v) => (setTerminal(v), form.clear('hasJoinTerminal'))} label={t('classroom.hasTerminal')} description={t('classroom.terminalHint')} data-testid="classroom-terminal" />
        </Field>
      </form>
    </Drawer>
  );
}
