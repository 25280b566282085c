/**
 * Cameras, microphones and screens: how each is captured, and the pre-join
 * checks (a microphone level meter, a camera preview, a network probe).
 */

export type CameraProfile = 'teacher' | 'classroom' | 'research';

/** Capture sizes: the teacher's camera feeds three simulcast layers, a classroom's two. */
export const CAMERA_CONSTRAINTS: Record<CameraProfile, MediaTrackConstraints> = {
  teacher: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 25, max: 30 } },
  research: { width: { ideal: 960 }, height: { ideal: 540 }, frameRate: { ideal: 25, max: 30 } },
  classroom: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 20, max: 25 } },
};

export const MICROPHONE_CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export async function captureCamera(profile: CameraProfile, deviceId?: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { ...CAMERA_CONSTRAINTS[profile], ...(deviceId ? { deviceId: { exact: deviceId } } : {}) } });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('no camera track');
  return track;
}

export async function captureMicrophone(deviceId?: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { ...MICROPHONE_CONSTRAINTS, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) } });
  const track = stream.getAudioTracks()[0];
  if (!track) throw new Error('no microphone track');
  return track;
}

/** The screen (and its sound, where the browser offers it). */
export async function captureScreen(): Promise<{ video: MediaStreamTrack; audio: MediaStreamTrack | null }> {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: true });
  const video = stream.getVideoTracks()[0];
  if (!video) throw new Error('no screen track');
  // Text and slides: keep detail rather than motion.
  video.contentHint = 'detail';
  return { video, audio: stream.getAudioTracks()[0] ?? null };
}

export interface DeviceList {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
}

export async function listDevices(): Promise<DeviceList> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return { cameras: all.filter((d) => d.kind === 'videoinput'), microphones: all.filter((d) => d.kind === 'audioinput') };
}

/**
 * Calls `onLevel` about 10 times a second with the microphone's level (0–1,
 * RMS scaled so speech reaches ~0.3–0.8). Returns a stop function.
 */
export function meterLevel(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const timer = window.setInterval(() => {
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    onLevel(Math.min(1, Math.sqrt(sum / buf.length) * 4));
  }, 100);
  void ctx.resume().catch(() => undefined);
  return () => {
    window.clearInterval(timer);
    source.disconnect();
    void ctx.close().catch(() => undefined);
  };
}

export interface NetworkProbe {
  /** Round trip of a small API request, ms. */
  rttMs: number;
  /** Signaling socket reached. */
  ok: boolean;
}

/** A quick look at the network before joining: the round trip to the server. */
export async function probeNetwork(url = '/api/health'): Promise<NetworkProbe> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    try {
      const res = await fetch(url, { cache: 'no-store' });
      await res.arrayBuffer();
      if (!res.ok) return { rttMs: 0, ok: false };
    } catch {
      return { rttMs: 0, ok: false };
    }
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { rttMs: Math.round(times[1]!), ok: true };
}
