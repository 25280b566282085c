import { useEffect, useState, type FormEvent } from 'react';
import { api, call } from '../app/api.ts';
import { Brand, LanguageSwitch } from '../app/Layout.tsx';
import { navigate } from '../app/router.tsx';
import { useT } from '../i18n/index.ts';
import { Alert, Button, Field, FormErrors, TextInput, useApiForm } from '../ui/index.ts';
import './roster.css';

/**
 * A new account's first sign-in (C-ROSTER-CREDENTIALS): the one-time code from the roster sheet
 * (in the link's fragment, which no server sees, or typed) and the password its owner chooses.
 */
export function ActivatePage() {
  const t = useT();
  const [code, setCode] = useState(() => window.location.hash.replace(/^#/, ''));
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const form = useApiForm(['code', 'body.code', 'body.password']);
  useEffect(() => {
    document.title = `${t('activate.title')} · 同步 tongbu`;
    // The code leaves the address bar (and the browser history) once read.
    if (window.location.hash) history.replaceState(null, '', window.location.pathname);
  }, [t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await form.submit(() => call(api.activateAccount, { body: { code, password } }));
    if (res?.ok) setDone(true);
  }

  return (
    <div className="activate">
      <form className="signin-card" onSubmit={submit} noValidate data-testid="activate-form">
        <div className="signin-lang">
          <LanguageSwitch />
        </div>
        <Brand />
        <h1>{t('activate.title')}</h1>
        {done ? (
          <>
            <Alert tone="success" testId="activate-done">{t('activate.done')}</Alert>
            <Button variant="primary" onClick={() => navigate('/sign-in')}>{t('activate.toSignIn')}</Button>
          </>
        ) : (
          <>
            <p className="signin-subtitle">{t('activate.subtitle')}</p>
            <FormErrors form={form} />
            <Field label={t('activate.code')} name="code" required error={form.of('code') ?? form.of('body.code')}>
              <TextInput value={code} onChange={setCode} autoComplete="one-time-code" spellCheck={false} data-testid="activate-code" />
            </Field>
            <Field label={t('activate.password')} name="password" required error={form.of('body.password')}>
              <TextInput type="password" value={password} onChange={setPassword} autoComplete="new-password" data-testid="activate-password" />
            </Field>
            <Button type="submit" variant="primary" className="btn--block" loading={form.submitting} data-testid="activate-submit">
              {t('activate.submit')}
            </Button>
          </>
        )}
      </form>
    </div>
  );
}
