import type { RealtimeFeature } from '../server.ts';
import { metricsFor } from '../system/metrics.ts';
import { startQuotaLive, type QuotaLive } from './live.ts';
import { todayOf } from './years.ts';
import type { Server as IoServer, Socket } from 'socket.io';
import type { Actor } from '../accounts/actor.ts';
import { rooms, type SocketData } from '../realtime/io.ts';
import { visibleFilter } from './service.ts';

const byIo = new WeakMap<IoServer, QuotaLive>();

/** The quota tracker's live side of a running server (tests wait on it with `idle()`). */
export const quotaLiveOf = (io: IoServer): QuotaLive | undefined => byIo.get(io);

/**
 * A socket hears `quotas:progress` of the communities whose quotas its actor may read over REST
 * (R-QUOTA-AUDIENCE, the same `visibleFilter`): auditors through their county room, admins theirs,
 * coordinators and teachers per community; classroom terminals never.
 */
function joinQuotaRooms(socket: Socket, actor: Actor): void {
  if (actor.role === 'classroom') return;
  const filter = visibleFilter(actor);
  if ('ids' in filter) for (const id of filter.ids) void socket.join(rooms.communityQuotas(id));
}

/** Live dashboards: LISTEN for changes, recompute the community, emit `quotas:progress`. */
export const quotaRealtime: RealtimeFeature = (io, deps) => {
  const live = startQuotaLive({
    db: deps.database.db,
    io,
    log: deps.log,
    today: () => todayOf(deps.config.quotas.today),
    recomputeMinutes: deps.config.quotas.recomputeMinutes,
    onRecompute: metricsFor(deps)?.quotaRecomputed,
  });
  byIo.set(io, live);
  io.on('connection', (socket) => joinQuotaRooms(socket, (socket.data as SocketData).actor));
  return () => live.stop();
};
