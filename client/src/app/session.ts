import { create } from 'zustand';
import type { Me, Role } from '../../../shared/schemas/accounts.ts';
import { currentLocale, useLocaleStore, type Locale } from '../i18n/index.ts';
import { api, call, onUnauthenticated, setCsrfToken, type CallResult } from './api.ts';
import { navigate } from './router.tsx';
import { resetAllStores } from './storeReset.ts';

export type SessionStatus = 'loading' | 'signedOut' | 'signedIn';

interface SessionState {
  status: SessionStatus;
  me: Me | null;
  /** Set when the server ended the session under us (shown on the sign-in page). */
  expired: boolean;
  /** Asks the server who is signed in (on start). */
  load(): Promise<void>;
  signIn(username: string, password: string): Promise<CallResult<typeof api.signIn>>;
  signOut(): Promise<void>;
  /** The server answered 401: forget the session and go to the sign-in page. */
  expire(): void;
  /** Switches the UI language and, when signed in, saves it on the account (server messages follow it). */
  changeLocale(locale: Locale): Promise<void>;
}

function adopt(me: Me) {
  setCsrfToken(me.csrfToken);
  return { status: 'signedIn' as const, me, expired: false };
}

export const useSession = create<SessionState>()((set, get) => ({
  status: 'loading',
  me: null,
  expired: false,

  async load() {
    const res = await call(api.me);
    if (res.ok) {
      // The account's saved language is the user's choice across devices.
      if (res.data.account.locale !== currentLocale()) useLocaleStore.getState().setLocale(res.data.account.locale);
      set(adopt(res.data));
    } else {
      setCsrfToken(null);
      set({ status: 'signedOut', me: null });
    }
  },

  async signIn(username, password) {
    const res = await call(api.signIn, { body: { username, password } });
    if (res.ok) {
      resetAllStores();
      set(adopt(res.data));
      // The language on screen at sign-in is the one the user wants: keep the account in step.
      const locale = currentLocale();
      if (res.data.account.locale !== locale) {
        const saved = await call(api.updateMe, { body: { locale } });
        if (saved.ok) set({ me: saved.data });
      }
    }
    return res;
  },

  async signOut() {
    await call(api.signOut);
    setCsrfToken(null);
    resetAllStores();
    set({ status: 'signedOut', me: null, expired: false });
    navigate('/sign-in');
  },

  expire() {
    if (get().status !== 'signedIn') return;
    setCsrfToken(null);
    resetAllStores();
    set({ status: 'signedOut', me: null, expired: true });
    const here = window.location.pathname + window.location.search;
    navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
  },

  async changeLocale(locale) {
    useLocaleStore.getState().setLocale(locale);
    if (get().status === 'signedIn') {
      const res = await call(api.updateMe, { body: { locale } });
      if (res.ok) set({ me: res.data });
    }
  },
}));

onUnauthenticated(() => useSession.getState().expire());

/** The signed-in account (pages behind the shell may assume there is one). */
export function useMe(): Me {
  const me = useSession((s) => s.me);
  if (!me) throw new Error('useMe() outside a signed-in page');
  return me;
}

export const useRole = (): Role => useMe().account.role;

/** What the caller's role lets them change (the server checks again; this only hides buttons). */
export function permissionsOf(role: Role) {
  return {
    manageCommunities: role === 'admin' || role === 'coordinator',
    createCommunity: role === 'admin',
    manageSchools: role === 'admin' || role === 'coordinator',
    manageAccounts: role === 'admin' || role === 'coordinator',
    readOnly: role === 'auditor' || role === 'teacher' || role === 'classroom',
  };
}

export const usePermissions = () => permissionsOf(useRole());
