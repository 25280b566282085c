import { useEffect, useState } from 'react';
import { useT } from '../i18n/index.ts';
import { captureCamera, captureMicrophone, meterLevel, probeNetwork, type NetworkProbe } from '../media/devices.ts';
import { Alert, Button, Card, Checkbox } from '../ui/index.ts';
import { VideoTile } from './components.tsx';

/**
 * The teacher's check before going live: a camera preview, a microphone level
 * meter and the round trip to the server. The tracks are released on joining
 * (the live client captures its own).
 */
export function PreJoin({ goLabel, onGo, busy }: { goLabel: string; onGo(wanted: { camera: boolean; microphone: boolean }): void; busy: boolean }) {
  const t = useT();
  const [camera, setCamera] = useState<MediaStreamTrack | null>(null);
  const [mic, setMic] = useState<MediaStreamTrack | null>(null);
  const [level, setLevel] = useState(0);
  const [cameraError, setCameraError] = useState<string | null>(null);
  const [micError, setMicError] = useState<string | null>(null);
  const [net, setNet] = useState<NetworkProbe | null>(null);
  const [wantCamera, setWantCamera] = useState(true);
  const [wantMic, setWantMic] = useState(true);

  useEffect(() => {
    let cam: MediaStreamTrack | null = null;
    let microphone: MediaStreamTrack | null = null;
    let stopMeter: (() => void) | null = null;
    let cancelled = false;
    void captureCamera('teacher').then(
      (track) => (cancelled ? track.stop() : setCamera((cam = track))),
      (err: unknown) => setCameraError(err instanceof Error ? err.message : String(err)),
    );
    void captureMicrophone().then(
      (track) => {
        if (cancelled) return track.stop();
        microphone = track;
        setMic(track);
        stopMeter = meterLevel(track, setLevel);
      },
      (err: unknown) => setMicError(err instanceof Error ? err.message : String(err)),
    );
    void probeNetwork().then((n) => !cancelled && setNet(n));
    return () => {
      cancelled = true;
      stopMeter?.();
      cam?.stop();
      microphone?.stop();
    };
  }, []);

  const go = () => {
    camera?.stop();
    mic?.stop();
    onGo({ camera: wantCamera && !cameraError, microphone: wantMic && !micError });
  };

  return (
    <Card title={t('live.prejoin.title')} testId="live-prejoin">
      <div className="live-prejoin">
        <VideoTile track={camera} mirrored placeholder={cameraError ? t('live.prejoin.noDevice', { message: cameraError }) : t('common.loading')} className="live-prejoin-preview" />
        <div className="live-prejoin-checks">
          <div>
            <strong>{t('live.prejoin.microphone')}</strong>
            {micError ? (
              <Alert tone="warning">{t('live.prejoin.noDevice', { message: micError })}</Alert>
            ) : (
              <>
                <div className="live-meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)} data-testid="live-mic-level">
                  <div className="live-meter-bar" style={{ width: `${Math.round(level * 100)}%` }} />
                </div>
                <p className="live-hint">{t('live.prejoin.speak')}</p>
              </>
            )}
          </div>
          <div>
            <strong>{t('live.prejoin.network')}</strong>
            <p data-testid="live-network">{net === null ? t('common.loading') : net.ok ? t('live.prejoin.rtt', { ms: net.rttMs }) : t('live.prejoin.offline')}</p>
          </div>
          <div>
            <strong>{t('live.prejoin.startWith')}</strong>
            <Checkbox checked={wantCamera} onChange={setWantCamera} label={t('live.prejoin.camera')} />
            <Checkbox checked={wantMic} onChange={setWantMic} label={t('live.prejoin.microphone')} />
          </div>
          <Button variant="primary" icon="video" onClick={go} loading={busy} data-testid="live-golive">
            {goLabel}
          </Button>
        </div>
      </div>
    </Card>
  );
}
