import { useEffect, useState, type FormEvent } from 'react';
import { Brand, LanguageSwitch } from '../app/Layout.tsx';
import { useSession } from '../app/session.ts';
import { useServerT, useT } from '../i18n/index.ts';
import { Alert, Button, Field, Icon, TextInput } from '../ui/index.ts';

export function SignInPage() {
  const t = useT();
  const tServer = useServerT();
  const signIn = useSession((s) => s.signIn);
  const expired = useSession((s) => s.expired);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState<{ username?: boolean; password?: boolean }>({});

  useEffect(() => {
    document.title = `${t('auth.title')} · 同步 tongbu`;
  }, [t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const m = { username: !username.trim(), password: !password };
    setMissing(m);
    if (m.username || m.password) return;
    setBusy(true);
    setError(null);
    const res = await signIn(username, password);
    setBusy(false);
    if (!res.ok) setError(res.error.message === 'network' ? t('errors.network') : tServer(res.error.message));
    // On success the app leaves this page by itself (to ?next= or home).
  }

  return (
    <div className="signin">
      <section className="signin-hero" aria-hidden="true">
        <Brand light />
        <div className="signin-hero-text">
          <h2>{t('auth.heroTitle')}</h2>
          <p>{t('auth.heroText')}</p>
          <ul className="signin-points">
            <li>
              <Icon name="video" /> {t('auth.point1')}
            </li>
            <li>
              <Icon name="communities" /> {t('auth.point2')}
            </li>
            <li>
              <Icon name="chart" /> {t('auth.point3')}
            </li>
          </ul>
        </div>
        <p className="signin-hero-foot">{t('auth.heroFoot')}</p>
      </section>
      <section className="signin-panel">
        <div className="signin-lang">
          <LanguageSwitch />
        </div>
        <form className="signin-card" onSubmit={submit} noValidate data-testid="sign-in-form">
          <div className="signin-brand-small">
            <Brand />
          </div>
          <h1>{t('auth.title')}</h1>
          <p className="signin-subtitle">{t('auth.subtitle')}</p>
          {expired && !error && <Alert tone="info">{t('auth.expired')}</Alert>}
          {error && (
            <Alert tone="danger" testId="sign-in-error">
              {error}
            </Alert>
          )}
          <Field label={t('auth.username')} name="username" required error={missing.username ? t('auth.usernameRequired') : undefined}>
            <TextInput value={username} onChange={setUsername} autoComplete="username" autoCapitalize="none" spellCheck={false} data-testid="sign-in-username" placeholder={t('auth.usernamePlaceholder')} />
          </Field>
          <Field label={t('auth.password')} name="password" required error={missing.password ? t('auth.passwordRequired') : undefined}>
            <TextInput type="password" value={password} onChange={setPassword} autoComplete="current-password" data-testid="sign-in-password" />
          </Field>
          <Button type="submit" variant="primary" className="btn--block" loading={busy} data-testid="sign-in-submit">
            {t('auth.submit')}
          </Button>
          <p className="signin-help">{t('auth.help')}</p>
        </form>
      </section>
    </div>
  );
}
