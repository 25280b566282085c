import type { types } from 'mediasoup-client';
import type { LinkSample } from './quality.ts';

/**
 * Reads the figures the quality classifier needs from the transports' stats,
 * as deltas between two calls (loss and silence are about "since last time").
 */
export interface StatsTotals {
  at: number;
  packetsReceived: number;
  packetsLost: number;
  lastPacketAt: number;
}

export interface StatsReading {
  sample: LinkSample;
  totals: StatsTotals;
  /** Decoded video frames per consumer id (tests and the debug panel). */
  framesDecoded: Map<string, { framesDecoded: number; frameWidth: number; frameHeight: number }>;
}

const connectedStates = new Set(['connected', 'new']);

export async function readStats(
  send: types.Transport | null,
  recv: types.Transport | null,
  expectingMedia: boolean,
  previous: StatsTotals | null,
): Promise<StatsReading> {
  const now = performance.now();
  let rtt: number | null = null;
  let available: number | null = null;
  let packetsReceived = 0;
  let packetsLost = 0;
  let sendLoss: number | null = null;
  const framesDecoded = new Map<string, { framesDecoded: number; frameWidth: number; frameHeight: number }>();

  let sendReport: RTCStatsReport | null = null;
  const pairRtt = (report: RTCStatsReport) => {
    report.forEach((s: RTCIceCandidatePairStats) => {
      if (s.type !== 'candidate-pair' || !s.nominated || s.state !== 'succeeded') return;
      if (typeof s.currentRoundTripTime === 'number') rtt = Math.max(rtt ?? 0, s.currentRoundTripTime * 1000);
      if (typeof s.availableOutgoingBitrate === 'number' && report === sendReport) available = s.availableOutgoingBitrate / 1000;
    });
  };

  if (send && !send.closed && send.connectionState === 'connected') {
    sendReport = await send.getStats().catch(() => null);
    if (sendReport) {
      pairRtt(sendReport);
      sendReport.forEach((s: { type: string; fractionLost?: number; roundTripTime?: number }) => {
        if (s.type !== 'remote-inbound-rtp') return;
        if (typeof s.fractionLost === 'number') sendLoss = Math.max(sendLoss ?? 0, s.fractionLost);
        if (typeof s.roundTripTime === 'number') rtt = Math.max(rtt ?? 0, s.roundTripTime * 1000);
      });
    }
  }
  if (recv && !recv.closed) {
    const report = await recv.getStats().catch(() => null);
    if (report) {
      pairRtt(report);
      report.forEach((s: RTCInboundRtpStreamStats & { trackIdentifier?: string }) => {
        if (s.type !== 'inbound-rtp') return;
        packetsReceived += s.packetsReceived ?? 0;
        packetsLost += Math.max(0, s.packetsLost ?? 0);
        if (s.kind === 'video' && s.mid !== undefined) {
          framesDecoded.set(s.mid, { framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0 });
        }
      });
    }
  }

  const received = previous ? packetsReceived - previous.packetsReceived : 0;
  const lost = previous ? packetsLost - previous.packetsLost : 0;
  const recvLoss = received + lost > 0 ? lost / (received + lost) : null;
  const lastPacketAt = !previous || received > 0 || !expectingMedia ? now : previous.lastPacketAt;
  const loss = recvLoss === null ? sendLoss : sendLoss === null ? recvLoss : Math.max(recvLoss, sendLoss);
  const transportConnected = [send, recv].every((t) => !t || t.closed || connectedStates.has(t.connectionState));
  return {
    sample: { rttMs: rtt, loss, bitrateKbps: available, silenceMs: now - lastPacketAt, transportConnected },
    totals: { at: now, packetsReceived, packetsLost, lastPacketAt },
    framesDecoded,
  };
}
