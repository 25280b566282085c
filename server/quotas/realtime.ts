import type { RealtimeFeature } from '../server.ts';
import { startQuotaLive, type QuotaLive } from './live.ts';
import { todayOf } from './years.ts';
import type { Server as IoServer } from 'socket.io';

const byIo = new WeakMap<IoServer, QuotaLive>();

/** The quota tracker's live side of a running server (tests wait on it with `idle()`). */
export const quotaLiveOf = (io: IoServer): QuotaLive | undefined => byIo.get(io);

/** Live dashboards: LISTEN for changes, recompute the community, emit `quotas:progress`. */
export const quotaRealtime: RealtimeFeature = (io, deps) => {
  const live = startQuotaLive({
    db: deps.database.db,
    io,
    log: deps.log,
    today: () => todayOf(deps.config.quotas.today),
    recomputeMinutes: deps.config.quotas.recomputeMinutes,
  });
  byIo.set(io, live);
  return () => live.stop();
};
