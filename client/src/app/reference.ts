import { useEffect } from 'react';
import { create } from 'zustand';
import type { CommunityType } from '../../../shared/schemas/communities.ts';
import type { County, Subject } from '../../../shared/schemas/places.ts';
import { localName, useLocale } from '../i18n/index.ts';
import { api, call } from './api.ts';
import { registerReset } from './storeReset.ts';

/** Lists every page needs and that rarely change: loaded once per session. */
interface ReferenceState {
  communityTypes: CommunityType[] | null;
  subjects: Subject[] | null;
  counties: County[] | null;
  loading: Partial<Record<'communityTypes' | 'subjects' | 'counties', Promise<void>>>;
  ensure(what: 'communityTypes' | 'subjects' | 'counties'): Promise<void>;
}

export const useReference = create<ReferenceState>()((set, get) => ({
  communityTypes: null,
  subjects: null,
  counties: null,
  loading: {},
  ensure(what) {
    if (get()[what]) return Promise.resolve();
    const pending = get().loading[what];
    if (pending) return pending;
    const endpoint = what === 'communityTypes' ? api.listCommunityTypes : what === 'subjects' ? api.listSubjects : api.listCounties;
    const p = call(endpoint).then((res) => {
      set((s) => ({ ...(res.ok ? { [what]: res.data } : {}), loading: { ...s.loading, [what]: undefined } }));
    });
    set((s) => ({ loading: { ...s.loading, [what]: p } }));
    return p;
  },
}));

registerReset(() => useReference.setState({ communityTypes: null, subjects: null, counties: null, loading: {} }));

function useList<K extends 'communityTypes' | 'subjects' | 'counties'>(what: K): ReferenceState[K] {
  const list = useReference((s) => s[what]);
  useEffect(() => {
    if (!list) void useReference.getState().ensure(what);
  }, [list, what]);
  return list;
}

export const useCommunityTypes = () => useList('communityTypes');
export const useSubjects = () => useList('subjects');
export const useCounties = () => useList('counties');

/** Label of a community type code in the UI language (the code itself until the list is loaded). */
export function useCommunityTypeLabel(): (code: string) => string {
  const types = useCommunityTypes();
  const locale = useLocale();
  return (code) => {
    const type = types?.find((t) => t.code === code);
    return type ? localName(locale, type) : code;
  };
}

export function useSubjectLabel(): (code: string) => string {
  const subjects = useSubjects();
  const locale = useLocale();
  return (code) => {
    // Until the catalogue arrives, not its code: a Chinese page never shows "math".
    if (!subjects) return '…';
    const s = subjects.find((x) => x.code === code);
    return s ? localName(locale, s) : code;
  };
}

export function useCountyName(): (id: string) => string {
  const counties = useCounties();
  return (id) => counties?.find((c) => c.id === id)?.name ?? '';
}
