import { useT } from '../i18n/index.ts';
import { Alert } from './feedback.tsx';
import type { ApiForm } from './form.ts';

/** The form's errors that belong to no input: a 409 conflict (prominent) and anything else. */
export function FormErrors({ form }: { form: ApiForm }) {
  const t = useT();
  return (
    <>
      {form.conflict && (
        <Alert tone="warning" title={t('errors.conflictTitle')} testId="conflict">
          {form.conflict}
        </Alert>
      )}
      {form.general.length > 0 && (
        <Alert tone="danger" title={t('errors.formTitle')} testId="form-error">
          {form.general.length === 1 ? form.general[0] : (
            <ul>
              {form.general.map((g, i) => (
                <li key={i}>{g}</li>
              ))}
            </ul>
          )}
        </Alert>
      )}
    </>
  );
}
