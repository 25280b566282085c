import { useState, type FormEvent } from 'react';
import type { Teacher } from '../../../shared/schemas/places.ts';
import { api, call } from '../app/api.ts';
import { useSubjects } from '../app/reference.ts';
import { localName, useLocale, useT } from '../i18n/index.ts';
import { Button, Checkbox, CheckboxGroup, Drawer, Field, FormErrors, TextInput, toast, useApiForm } from '../ui/index.ts';

/** Adds a teacher to a school (no `teacher`) or edits one: subjects and the 骨干教师 flag. */
export function TeacherDrawer({ schoolId, teacher, onClose, onSaved }: { schoolId: string; teacher?: Teacher | undefined; onClose(): void; onSaved(): void }) {
  const t = useT();
  const locale = useLocale();
  const subjects = useSubjects();
  const form = useApiForm(['name', 'isBackbone', 'subjects']);
  const [name, setName] = useState(teacher?.name ?? '');
  const [isBackbone, setBackbone] = useState(teacher?.isBackbone ?? false);
  const [codes, setCodes] = useState<string[]>(teacher?.subjects ?? []);

  const itemErrors = form.items('subjects');
  const subjectErrors = Object.fromEntries(Object.entries(itemErrors).flatMap(([i, m]) => (codes[Number(i)] ? [[codes[Number(i)]!, m]] : [])));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name, isBackbone, subjects: codes };
    const res = await form.submit(() => (teacher ? call(api.updateTeacher, { params: { id: teacher.id }, body }) : call(api.createTeacher, { params: { schoolId }, body })));
    if (res?.ok) {
      toast.success(teacher ? t('common.saved') : t('teacher.createdToast', { name: res.data.name }));
      onSaved();
      onClose();
    }
  }

  return (
    <Drawer
      open
      onClose={onClose}
      title={teacher ? t('teacher.editTitle') : t('teacher.add')}
      subtitle={teacher?.name}
      testId="teacher-drawer"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="teacher-form" variant="primary" loading={form.submitting} data-testid="save">
            {teacher ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <form id="teacher-form" className="form" onSubmit={submit} noValidate>
        <FormErrors form={form} />
        <Field label={t('teacher.name')} name="name" required error={form.of('name')}>
          <TextInput value={name} onChange={(v) => (setName(v), form.clear('name'))} maxLength={120} data-testid="teacher-name" />
        </Field>
        <Field name="isBackbone" error={form.of('isBackbone')}>
          <Checkbox checked={isBackbone} onChange={(v) => (setBackbone(v), form.clear('isBackbone'))} label={t('teacher.backboneYes')} description={t('teacher.backboneHint')} />
        </Field>
        <Field label={t('teacher.subjects')} name="subjects" error={Object.keys(subjectErrors).length ? undefined : form.of('subjects')} hint={t('teacher.subjectsHint')}>
          <CheckboxGroup
            value={codes}
            onChange={(v) => (setCodes(v), form.clear('subjects'))}
            errors={subjectErrors}
            options={(subjects ?? []).map((s) => ({ value: s.code, label: localName(locale, s) }))}
            testId="teacher-subjects"
            layout="grid"
          />
        </Field>
      </form>
    </Drawer>
  );
}
