import { useEffect } from 'react';
import { create } from 'zustand';
import type { Account } from '../../../shared/schemas/accounts.ts';
import { api, call, type ApiErrorBody } from '../app/api.ts';
import { registerReset } from '../app/storeReset.ts';

interface AccountsState {
  list: Account[] | null;
  error: ApiErrorBody | null;
  load(): Promise<void>;
  /** Puts a created or changed account into the list. */
  upsert(account: Account): void;
}

export const useAccounts = create<AccountsState>()((set, get) => ({
  list: null,
  error: null,
  async load() {
    const res = await call(api.listAccounts);
    if (res.ok) set({ list: res.data, error: null });
    else set({ error: res.error });
  },
  upsert(account) {
    const list = get().list ?? [];
    set({ list: list.some((a) => a.id === account.id) ? list.map((a) => (a.id === account.id ? account : a)) : [...list, account] });
  },
}));

registerReset(() => useAccounts.setState({ list: null, error: null }));

/** The accounts the caller manages (admins and coordinators only: pass false for other roles). */
export function useAccountList(enabled = true) {
  const list = useAccounts((s) => s.list);
  const error = useAccounts((s) => s.error);
  useEffect(() => {
    if (enabled) void useAccounts.getState().load();
  }, [enabled]);
  return { list, error, reload: () => useAccounts.getState().load() };
}
