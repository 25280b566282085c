import { useSyncExternalStore, type AnchorHTMLAttributes, type ComponentType, type MouseEvent, type ReactNode } from 'react';
import type { Role } from '../../../shared/schemas/accounts.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { IconName } from '../ui/Icon.tsx';

/**
 * A small router on the History API: the route table (app/routes.tsx) is an
 * array of AppRoute that feature folders contribute to.
 */

export interface RouteProps {
  /** The `:name` parts of the path, decoded. */
  params: Record<string, string>;
}

/** Where a link sits in the side navigation; sections are shown in this order. */
export const navSections = ['overview', 'teaching', 'organization', 'system'] as const;
export type NavSection = (typeof navSections)[number];

export interface NavEntry {
  labelKey: MessageKey;
  /** Roles that see the link. */
  roles: readonly Role[];
  section: NavSection;
  icon?: IconName;
  /** Order inside the section (smaller first). */
  order?: number;
}

export interface AppRoute {
  /** `/communities/:communityId`; matched whole, static segments win over parameters. */
  path: string;
  component: ComponentType<RouteProps>;
  /** Roles that may open the page (all signed-in roles when absent); others get the not-found page. */
  roles?: readonly Role[];
  /** Shown without the shell and without signing in (the sign-in page). */
  public?: boolean;
  nav?: NavEntry;
}

// ---- location ---------------------------------------------------------------

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** performance.now() of the last change of page (0: the document's own navigation). */
let navigatedAt = 0;
if (typeof window !== 'undefined') window.addEventListener('popstate', () => (navigatedAt = performance.now()));

/** When the current page was opened (performance.now() time; 0 if it is the page the document loaded). */
export const pageOpenedAt = (): number => navigatedAt;

/** Goes to an in-app address (pushes history unless `replace`). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (new URL(to, window.location.href).pathname !== window.location.pathname) navigatedAt = performance.now();
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
  if (!options.replace) window.scrollTo(0, 0);
}

export interface Location {
  pathname: string;
  search: string;
  query: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot, snapshot);
  const q = href.indexOf('?');
  const pathname = q < 0 ? href : href.slice(0, q);
  const search = q < 0 ? '' : href.slice(q);
  return { pathname, search, query: new URLSearchParams(search) };
}

/** Replaces query parameters of the current address (filters in lists); empty values are removed. */
export function setQuery(values: Record<string, string | null | undefined>): void {
  const q = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(values)) {
    if (v) q.set(k, v);
    else q.delete(k);
  }
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true });
}

// ---- matching ---------------------------------------------------------------

const segments = (path: string) => path.split('/').filter(Boolean);

/** The params if `pattern` matches `pathname` whole, else null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = segments(pattern);
  const have = segments(pathname);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return null;
      }
    } else if (w !== h) return null;
  }
  return params;
}

/** The most specific route for an address (static segments beat `:params`), or null. */
export function resolveRoute(routes: readonly AppRoute[], pathname: string): { route: AppRoute; params: Record<string, string> } | null {
  let best: { route: AppRoute; params: Record<string, string>; score: number } | null = null;
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (!params) continue;
    const score = segments(route.path).reduce((s, seg) => s * 2 + (seg.startsWith(':') ? 0 : 1), 1);
    if (!best || score > best.score) best = { route, params, score };
  }
  return best;
}

/** Whether a nav link is the current page or one of its sub-pages. */
export const isActivePath = (linkPath: string, pathname: string) =>
  linkPath === '/' ? pathname === '/' : pathname === linkPath || pathname.startsWith(`${linkPath}/`);

// ---- links ------------------------------------------------------------------

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  replace?: boolean;
  children?: ReactNode;
}

/** An <a> that navigates in the app (new tab, middle click etc. still work). */
export function Link({ to, replace, onClick, children, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || rest.target === '_blank') return;
    e.preventDefault();
    navigate(to, { replace: replace ?? false });
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
