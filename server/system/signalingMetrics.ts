import client from 'prom-client';
import type { Server as IoServer } from 'socket.io';
import { EVENT_PREFIX, isSignalingError, requestNames } from '../../shared/signaling/protocol.ts';

const known = new Set<string>(requestNames);

/**
 * Times every live signaling request from its arrival to its acknowledgement, by
 * request name and outcome, through a Socket.IO middleware wrapping the ack:
 * the signaling handlers themselves know nothing of it. Unknown event names are
 * not timed (labels stay a fixed set).
 */
export function observeSignaling(io: IoServer, registry: client.Registry): void {
  const duration = new client.Histogram({
    name: 'tongbu_signaling_request_duration_seconds',
    help: 'Live signaling request latency (arrival to acknowledgement) by request name and outcome',
    labelNames: ['request', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const [event] = packet;
      const last = packet.length - 1;
      const ack: unknown = packet[last];
      const request = typeof event === 'string' && event.startsWith(EVENT_PREFIX) ? event.slice(EVENT_PREFIX.length) : '';
      if (known.has(request) && last > 0 && typeof ack === 'function') {
        const end = duration.startTimer({ request });
        packet[last] = (answer: unknown, ...rest: unknown[]) => {
          end({ outcome: isSignalingError(answer) ? 'error' : 'ok' });
          (ack as (...args: unknown[]) => void)(answer, ...rest);
        };
      }
      next();
    });
  });
}
