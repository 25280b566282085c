import { useEffect, useRef, type ReactNode } from 'react';
import type { LivePeer, MediaSource } from '../../../shared/schemas/live.ts';
import { useT } from '../i18n/index.ts';
import type { LiveClient, LiveView, RemoteMedia } from '../media/LiveClient.ts';
import type { BandwidthChoice } from '../media/quality.ts';
import { Badge, Icon, Segmented } from '../ui/index.ts';
import { LiveIcon, type LiveIconName } from './icons.tsx';

/** A <video> showing one track (muted: sound goes through AudioSinks). */
export function VideoTile({
  track,
  label,
  badges,
  mirrored,
  highlight,
  placeholder,
  className,
  testId,
  children,
}: {
  track: MediaStreamTrack | null | undefined;
  label?: ReactNode;
  badges?: ReactNode;
  mirrored?: boolean;
  highlight?: boolean;
  placeholder?: ReactNode;
  className?: string;
  testId?: string;
  children?: ReactNode;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) void el.play().catch(() => undefined);
  }, [track]);
  return (
    <div className={`live-tile${highlight ? ' live-tile--speaking' : ''}${className ? ` ${className}` : ''}`} data-testid={testId}>
      {track ? <video ref={ref} autoPlay playsInline muted className={mirrored ? 'live-mirror' : undefined} /> : <div className="live-tile-empty">{placeholder}</div>}
      {(label || badges) && (
        <div className="live-tile-caption">
          {label && <span className="live-tile-label">{label}</span>}
          {badges}
        </div>
      )}
      {children}
    </div>
  );
}

/** Another participant's camera, or why it is dark (camera off, offline); the active speaker highlighted. */
export function PeerCameraTile({ view, peer, badges, testId }: { view: LiveView; peer: LivePeer; badges?: ReactNode; testId?: string }) {
  const t = useT();
  return (
    <VideoTile
      track={remoteOf(view, peer.peerId, 'camera')?.track}
      label={peer.displayName}
      placeholder={peer.online ? t('live.cameraIsOff') : t('live.offline')}
      highlight={view.activeSpeakerPeerId === peer.peerId}
      testId={testId}
      badges={badges}
    />
  );
}

/** Plays every remote sound (one hidden <audio> per track). */
export function AudioSinks({ remote }: { remote: readonly RemoteMedia[] }) {
  return (
    <div hidden>
      {remote
        .filter((r) => r.kind === 'audio')
        .map((r) => (
          <AudioSink key={r.consumerId} track={r.track} />
        ))}
    </div>
  );
}

function AudioSink({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    void el.play().catch(() => undefined);
  }, [track]);
  return <audio ref={ref} autoPlay />;
}

export const remoteOf = (view: LiveView, peerId: string | null | undefined, source: MediaSource): RemoteMedia | undefined =>
  peerId ? view.remote.find((r) => r.peerId === peerId && r.source === source && !r.producerPaused && !r.pausedHere) : undefined;

export function QualityBadge({ view }: { view: LiveView }) {
  const t = useT();
  const tone = { good: 'green', fair: 'blue', poor: 'orange', lost: 'red' } as const;
  const link = view.link;
  const detail = link ? t('live.qualityDetail', { rtt: Math.round(link.rttMs ?? 0), loss: Math.round((link.loss ?? 0) * 1000) / 10 }) : undefined;
  return (
    <span data-testid="live-quality" data-quality={view.quality}>
      <Badge tone={tone[view.quality]} title={detail}>
        <Icon name="chart" size={13} /> {t('live.quality')}：{t(`live.quality.${view.quality}`)}
      </Badge>
    </span>
  );
}

export function RecordingBadge({ view }: { view: LiveView }) {
  const t = useT();
  if (!view.recording.active) return null;
  return (
    <span className="live-rec" data-testid="live-recording" role="status">
      <span className="live-rec-dot" aria-hidden="true" /> {t('live.recording')}
    </span>
  );
}

export function BandwidthChooser({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const options: { value: BandwidthChoice; label: string }[] = (['auto', 'normal', 'low', 'minimal'] as const).map((v) => ({ value: v, label: t(`live.bandwidth.${v}`) }));
  return (
    <div className="live-bandwidth" data-testid="live-bandwidth" data-mode={view.bandwidth}>
      <Segmented size="sm" label={t('live.bandwidth')} value={view.bandwidthChoice} onChange={(v) => void client.setBandwidth(v)} options={options} />
      {view.bandwidthChoice === 'auto' && view.bandwidth === 'low' && <Badge tone="orange">{t('live.bandwidthActive')}</Badge>}
    </div>
  );
}

/** Round toolbar button (a big-screen friendly toggle). */
export function ToolButton({ icon, label, active, danger, onClick, testId, disabled }: { icon: LiveIconName; label: string; active?: boolean; danger?: boolean; onClick(): void; testId?: string; disabled?: boolean }) {
  return (
    <button type="button" className={`live-tool${active ? ' live-tool--on' : ''}${danger ? ' live-tool--danger' : ''}`} onClick={onClick} data-testid={testId} aria-pressed={active} disabled={disabled} title={label}>
      <LiveIcon name={icon} />
      <span>{label}</span>
    </button>
  );
}

export function StatusBanner({ view }: { view: LiveView }) {
  const t = useT();
  if (view.state === 'reconnecting') {
    return (
      <div className="live-banner live-banner--warn" role="status" data-testid="live-reconnecting">
        <span className="spinner spinner--sm" aria-hidden="true" /> {t('live.state.reconnecting')}
      </div>
    );
  }
  if (view.local.mutedByHost) return <div className="live-banner" role="status">{t('live.mutedByHost')}</div>;
  return null;
}

/** The host's discreet "being observed" marker (a patrol 巡课 is in the room; LIVE_PATROL_MARKER). */
export function ObservedMarker({ view }: { view: LiveView }) {
  const t = useT();
  if (view.patrols <= 0) return null;
  return (
    <span className="live-observed" data-testid="live-observed" data-patrols={view.patrols} title={t('live.observedTitle', { n: view.patrols })}>
      <Badge tone="gray">
        <Icon name="search" size={13} /> {t('live.observed')}
      </Badge>
    </span>
  );
}

export const peerName = (p: LivePeer | undefined, t: ReturnType<typeof useT>) => (p ? p.displayName : t('live.offline'));
