import { useEffect } from 'react';
import { create } from 'zustand';
import { QUOTA_PROGRESS_EVENT, type CommunityProgress } from '../../../shared/schemas/quotas.ts';
import { onConnection, onPageEvent } from '../app/socket.ts';

/**
 * Live progress: the server emits `quotas:progress` to the community and county rooms
 * when a community's progress changes (a lesson ended, a correction…). Pages show the
 * fetched progress with the latest live one laid over it, without reloading.
 */
interface QuotaLiveState {
  byCommunity: Record<string, CommunityProgress>;
  /** Bumped on every update (pages that list items refetch them). */
  version: number;
  lastUpdate: { communityId: string; name: string; at: number } | null;
  connected: boolean;
  put(p: CommunityProgress): void;
  setConnected(c: boolean): void;
}

export const useQuotaLive = create<QuotaLiveState>()((set) => ({
  byCommunity: {},
  version: 0,
  lastUpdate: null,
  connected: false,
  put: (p) => set((s) => ({ byCommunity: { ...s.byCommunity, [p.communityId]: p }, version: s.version + 1, lastUpdate: { communityId: p.communityId, name: p.communityName, at: Date.now() } })),
  setConnected: (connected) => set({ connected }),
}));

let listening: (() => void)[] = [];
let users = 0;

/** Listens for quota progress on the page's connection while any quota page is mounted. */
export function useQuotaSocket(): void {
  useEffect(() => {
    users++;
    if (users === 1) {
      const { put, setConnected } = useQuotaLive.getState();
      listening = [onConnection(setConnected), onPageEvent(QUOTA_PROGRESS_EVENT, (e) => put(e.progress))];
    }
    return () => {
      users--;
      if (users === 0) {
        for (const stop of listening) stop();
        listening = [];
        useQuotaLive.getState().setConnected(false);
      }
    };
  }, []);
}

/** The fetched progress, or the newer live one of the same community and year. */
export function useLiveProgress(p: CommunityProgress | undefined): CommunityProgress | undefined {
  const live = useQuotaLive((s) => (p ? s.byCommunity[p.communityId] : undefined));
  if (!p) return p;
  if (!live || live.academicYear !== p.academicYear || p.frozen || live.computedAt < p.computedAt) return p;
  return { ...live, rules: live.rules.map((r) => ({ ...r, itemIds: r.itemIds.length ? r.itemIds : (p.rules.find((x) => x.ruleId === r.ruleId)?.itemIds ?? []) })) };
}
