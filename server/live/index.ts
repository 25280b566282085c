import type { RealtimeFeature } from '../server.ts';
import type { SocketData } from '../realtime/io.ts';
import { bindLiveSocket } from './signaling.ts';
import { liveServiceFor } from './service.ts';
import { metricsFor } from '../system/metrics.ts';

export { liveRoutes } from './routes.ts';
export { liveServiceFor, LiveService } from './service.ts';

/**
 * Live classrooms over the platform's Socket.IO server: the signaling handlers
 * on every authenticated socket, the evidence writer and the auto-close clock.
 * On shutdown every open evidence interval is closed before the server's
 * sockets (and then the database) go away.
 */
export const liveRealtime: RealtimeFeature = (io, deps) => {
  const service = liveServiceFor(deps);
  const metrics = metricsFor(deps);
  void service.start(io, { onEvidenceWrite: metrics?.evidenceWritten, onFirstFrame: metrics?.firstFrameSeen }).catch((err: unknown) => deps.log.error({ err }, 'live: starting the evidence writer failed'));
  io.on('connection', (socket) => {
    if ((socket.data as SocketData).actor) bindLiveSocket(socket, service);
  });
  // server.close() runs the features' stop functions without awaiting them, then io.close():
  // hold io.close() until the evidence is closed, so the database is still there for it.
  const close = io.close.bind(io);
  io.close = ((fn?: (err?: Error) => void) => service.shutdown().then(() => close(fn))) as typeof io.close;
  return () => void service.shutdown();
};
