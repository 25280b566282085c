import { useEffect } from 'react';
import { useT } from '../i18n/index.ts';
import { NotFoundState, Spinner, Toaster } from '../ui/index.ts';
import { Layout } from './Layout.tsx';
import { navigate, resolveRoute, useLocation } from './router.tsx';
import { routes } from './routes.tsx';
import { useSession } from './session.ts';

/** Only in-app paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export function App() {
  const t = useT();
  const status = useSession((s) => s.status);
  const role = useSession((s) => s.me?.account.role);
  const { pathname, search, query } = useLocation();
  const match = resolveRoute(routes, pathname);
  const isPublic = Boolean(match?.route.public);

  useEffect(() => {
    void useSession.getState().load();
  }, []);

  useEffect(() => {
    if (status === 'signedOut' && !isPublic) navigate(`/sign-in?next=${encodeURIComponent(pathname + search)}`, { replace: true });
    if (status === 'signedIn' && isPublic) navigate(safeNext(query.get('next')), { replace: true });
  }, [status, isPublic, pathname, search, query]);

  if (status === 'loading' || (status === 'signedIn' && isPublic) || (status === 'signedOut' && !isPublic)) {
    return (
      <div className="splash">
        <Spinner label={t('common.loading')} />
      </div>
    );
  }

  if (isPublic && match) {
    const Page = match.route.component;
    return (
      <>
        <Page params={match.params} />
        <Toaster />
      </>
    );
  }

  const allowed = match && (!match.route.roles || (role && match.route.roles.includes(role)));
  const Page = allowed ? match.route.component : null;
  return (
    <Layout>
      {Page && match ? <Page key={pathname} params={match.params} /> : <NotFoundState />}
      <Toaster />
    </Layout>
  );
}
