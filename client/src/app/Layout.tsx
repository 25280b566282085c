import { ScheduleReminders } from '../schedule/Reminders.tsx';
import { useEffect, useState, type ReactNode } from 'react';
import type { Role } from '../../../shared/schemas/accounts.ts';
import { isMessageKey, useLocale, useT, type Locale } from '../i18n/index.ts';
import { Icon, Segmented } from '../ui/index.ts';
import { isActivePath, Link, navSections, useLocation, type AppRoute } from './router.tsx';
import { routes } from './routes.tsx';
import { useMe, useSession } from './session.ts';

/** The side navigation of a role: the nav entries of the route table, by section. */
export function navFor(role: Role, table: readonly AppRoute[] = routes) {
  return navSections
    .map((section) => ({
      section,
      items: table
        .filter((r) => r.nav && r.nav.section === section && r.nav.roles.includes(role))
        .sort((a, b) => (a.nav!.order ?? 100) - (b.nav!.order ?? 100)),
    }))
    .filter((s) => s.items.length > 0);
}

export function LanguageSwitch({ compact }: { compact?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const changeLocale = useSession((s) => s.changeLocale);
  return (
    <div className="lang-switch" data-testid="lang-switch">
      {!compact && <Icon name="globe" size={16} />}
      <Segmented<Locale>
        size="sm"
        label={t('shell.language')}
        value={locale}
        onChange={(l) => void changeLocale(l)}
        options={[
          { value: 'zh-CN', label: '中文' },
          { value: 'en', label: 'English' },
        ]}
      />
    </div>
  );
}

function SideNav({ onNavigate }: { onNavigate(): void }) {
  const t = useT();
  const me = useMe();
  const { pathname } = useLocation();
  const sections = navFor(me.account.role);
  return (
    <nav className="sidenav" aria-label={t('shell.navigation')}>
      {sections.map(({ section, items }) => {
        const sectionKey = `nav.section.${section}`;
        return (
          <div key={section} className="sidenav-section">
            <p className="sidenav-heading">{isMessageKey(sectionKey) ? t(sectionKey) : section}</p>
            <ul>
              {items.map((r) => (
                <li key={r.path}>
                  <Link
                    to={r.path}
                    className={`sidenav-link${isActivePath(r.path, pathname) ? ' is-active' : ''}`}
                    aria-current={isActivePath(r.path, pathname) ? 'page' : undefined}
                    onClick={onNavigate}
                    data-testid={`nav-${r.path.replace(/^\//, '') || 'home'}`}
                  >
                    <Icon name={r.nav!.icon ?? 'folder'} size={18} />
                    <span>{t(r.nav!.labelKey)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}

export function Brand({ light }: { light?: boolean }) {
  const t = useT();
  return (
    <span className={`brand${light ? ' brand--light' : ''}`}>
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" />
        <circle cx="11.5" cy="16" r="5.5" fill="none" stroke="#fff" strokeWidth="2.6" />
        <circle cx="20.5" cy="16" r="5.5" fill="none" stroke="#7fe0d2" strokeWidth="2.6" />
      </svg>
      <span className="brand-text">
        <span className="brand-name">
          同步 <span className="brand-latin">tongbu</span>
        </span>
        <span className="brand-tagline">{t('shell.tagline')}</span>
      </span>
    </span>
  );
}

function UserMenu() {
  const t = useT();
  const me = useMe();
  const signOut = useSession((s) => s.signOut);
  const initial = [...me.account.displayName][0] ?? '?';
  return (
    <div className="user-menu">
      <span className="avatar" aria-hidden="true">
        {initial}
      </span>
      <span className="user-menu-text">
        <span className="user-menu-name" data-testid="current-user">
          {me.account.displayName}
        </span>
        <span className="user-menu-role" data-testid="current-role">
          {t(`role.${me.account.role}`)}
        </span>
      </span>
      <button type="button" className="btn btn--ghost btn--sm" onClick={() => void signOut()} data-testid="sign-out" title={t('shell.signOut')}>
        <Icon name="logout" size={16} />
        <span className="hide-narrow">{t('shell.signOut')}</span>
      </button>
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const t = useT();
  const { pathname } = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => setNavOpen(false), [pathname]);
  return (
    <div className={`shell${navOpen ? ' nav-open' : ''}`}>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <header className="topbar">
        <button type="button" className="icon-button topbar-menu" onClick={() => setNavOpen((o) => !o)} aria-label={t('shell.menu')} aria-expanded={navOpen}>
          <Icon name={navOpen ? 'close' : 'menu'} />
        </button>
        <Link to="/" className="topbar-brand">
          <Brand />
        </Link>
        <div className="topbar-spacer" />
        <LanguageSwitch />
        <UserMenu />
      </header>
      <aside className="sidebar">
        <SideNav onNavigate={() => setNavOpen(false)} />
        <p className="sidebar-foot">{t('shell.footer')}</p>
      </aside>
      <div className="sidebar-backdrop" onClick={() => setNavOpen(false)} aria-hidden="true" />
      <main id="main" className="main" tabIndex={-1}>
        <div className="content">{children}</div>
      </main>
      {/* Reminders and "join now" prompts reach teachers and classroom terminals on every page. */}
      <ScheduleReminders />
    </div>
  );
}
