import { useEffect } from 'react';
import { create } from 'zustand';
import type { z } from 'zod';
import type { Community, CommunityCreate, CommunitySummary, CommunityUpdate, MembershipCreate } from '../../../shared/schemas/communities.ts';
import { api, call, type ApiErrorBody } from '../app/api.ts';
import { registerReset } from '../app/storeReset.ts';

interface Detail {
  data?: Community;
  error?: ApiErrorBody;
  status: number;
  loading: boolean;
}

interface CommunitiesState {
  list: CommunitySummary[] | null;
  listError: ApiErrorBody | null;
  details: Record<string, Detail>;
  loadList(): Promise<void>;
  loadOne(id: string): Promise<void>;
  create(body: z.input<typeof CommunityCreate>): ReturnType<typeof call<typeof api.createCommunity>>;
  update(id: string, body: z.input<typeof CommunityUpdate>): ReturnType<typeof call<typeof api.updateCommunity>>;
  addMembership(id: string, body: z.input<typeof MembershipCreate>): ReturnType<typeof call<typeof api.addMembership>>;
  setValidTo(id: string, membershipId: string, validTo: string | null): ReturnType<typeof call<typeof api.updateMembership>>;
  removeMembership(id: string, membershipId: string): ReturnType<typeof call<typeof api.deleteMembership>>;
}

const empty = { list: null, listError: null, details: {} };

/** The communities the caller may see, and the ones opened, kept in step after every change. */
export const useCommunities = create<CommunitiesState>()((set, get) => {
  const setDetail = (id: string, d: Partial<Detail>) =>
    set((s) => ({ details: { ...s.details, [id]: { status: 0, loading: false, ...s.details[id], ...d } } }));

  /** After a write: the opened community and the list both change. */
  const refresh = (id: string) => Promise.all([get().loadOne(id), get().loadList()]);

  return {
    ...empty,

    async loadList() {
      const res = await call(api.listCommunities);
      if (res.ok) set({ list: res.data, listError: null });
      else set({ listError: res.error });
    },

    async loadOne(id) {
      setDetail(id, { loading: true });
      const res = await call(api.getCommunity, { params: { communityId: id } });
      if (res.ok) setDetail(id, { data: res.data, error: undefined, status: res.status, loading: false });
      else setDetail(id, { data: undefined, error: res.error, status: res.status, loading: false });
    },

    async create(body) {
      const res = await call(api.createCommunity, { body });
      if (res.ok) {
        setDetail(res.data.id, { data: res.data, status: 201, loading: false });
        void get().loadList();
      }
      return res;
    },

    async update(id, body) {
      const res = await call(api.updateCommunity, { params: { communityId: id }, body });
      if (res.ok) {
        setDetail(id, { data: res.data, status: 200 });
        void get().loadList();
      }
      return res;
    },

    async addMembership(id, body) {
      const res = await call(api.addMembership, { params: { communityId: id }, body });
      if (res.ok) await refresh(id);
      return res;
    },

    async setValidTo(id, membershipId, validTo) {
      const res = await call(api.updateMembership, { params: { communityId: id, membershipId }, body: { validTo } });
      if (res.ok) await refresh(id);
      return res;
    },

    async removeMembership(id, membershipId) {
      const res = await call(api.deleteMembership, { params: { communityId: id, membershipId } });
      if (res.ok) await refresh(id);
      return res;
    },
  };
});

registerReset(() => useCommunities.setState(empty));

/** The list, refreshed each time a page using it opens (cached data shows meanwhile). */
export function useCommunityList() {
  const list = useCommunities((s) => s.list);
  const error = useCommunities((s) => s.listError);
  useEffect(() => {
    void useCommunities.getState().loadList();
  }, []);
  return { list, error, reload: () => useCommunities.getState().loadList() };
}

/** One community with its memberships; `status` 404 means it is not there for this user. */
export function useCommunity(id: string) {
  const detail = useCommunities((s) => s.details[id]);
  useEffect(() => {
    void useCommunities.getState().loadOne(id);
  }, [id]);
  return {
    data: detail?.data,
    error: detail?.error,
    status: detail?.status ?? 0,
    loading: !detail || (detail.loading && !detail.data),
    reload: () => useCommunities.getState().loadOne(id),
  };
}
