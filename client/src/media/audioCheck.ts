import { MICROPHONE_CONSTRAINTS } from './devices.ts';

/**
 * A classroom terminal's audio check before the lesson (issue #6): a test tone
 * goes out through the speakers (WebAudio) while the microphone listens —
 * first raw (no processing: does the microphone hear the speakers at all?),
 * then as the lesson captures it (echo cancellation, noise suppression and
 * gain control on: how much of the tone would the far end hear back, i.e. the
 * echo). Each level is the tone's frequency bin, in dB, against the same bin
 * with the tone off. `judgeAudioCheck` (pure) turns the figures into a result
 * and advice.
 */
export const AUDIO_CHECK = {
  /** Away from speech formants and from Chromium's fake-microphone beep. */
  toneHz: 1750,
  toneGain: 0.25,
  /** Each phase: noise (tone off) and tone (on). */
  noiseMs: 500,
  toneMs: 1100,
  sampleMs: 50,
  /** The raw microphone hears the tone this far above the noise: the speakers reach the microphone. */
  heardAboveDb: 10,
  /** After echo cancellation the tone still stands this far above the noise: the far end hears an echo. */
  echoAboveDb: 8,
  /** Anything below this (dBFS in the bin) is digital silence. */
  silenceDb: -140,
} as const;

export interface AudioCheckReading {
  /** Raw microphone (processing off): the tone's bin with the tone off and on. */
  readonly rawNoiseDb: number;
  readonly rawToneDb: number;
  /** The lesson's capture (echo cancellation, noise suppression, gain control on). */
  readonly processedNoiseDb: number;
  readonly processedToneDb: number;
  /** The loudest the raw microphone got at all (any frequency): digital silence means no signal. */
  readonly rawPeakDb: number;
  /** What the browser applied to the lesson's capture. */
  readonly settings: { echoCancellation: boolean | null; noiseSuppression: boolean | null; autoGainControl: boolean | null };
}

export type AudioCheckVerdict = 'pass' | 'echo' | 'not-heard' | 'silent-mic';
export type AudioCheckAdvice = 'speakers' | 'lowerVolume' | 'moveMic' | 'pushToTalk' | 'checkMic' | 'enableProcessing';

export interface AudioCheckResult {
  readonly verdict: AudioCheckVerdict;
  /** The raw microphone heard the tone (speakers → microphone coupling), dB above the noise. */
  readonly heardDb: number;
  /** What survives echo cancellation, dB above the noise (the echo the teacher would hear). */
  readonly echoDb: number;
  readonly advice: readonly AudioCheckAdvice[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export function judgeAudioCheck(r: AudioCheckReading): AudioCheckResult {
  const c = AUDIO_CHECK;
  const heardDb = r1(Math.max(0, r.rawToneDb - r.rawNoiseDb));
  const echoDb = r1(Math.max(0, r.processedToneDb - r.processedNoiseDb));
  const processingOff = r.settings.echoCancellation === false || r.settings.noiseSuppression === false || r.settings.autoGainControl === false;
  const extra: AudioCheckAdvice[] = processingOff ? ['enableProcessing'] : [];
  if (r.rawPeakDb <= c.silenceDb) return { verdict: 'silent-mic', heardDb, echoDb, advice: ['checkMic'] };
  if (echoDb >= c.echoAboveDb) return { verdict: 'echo', heardDb, echoDb, advice: [...extra, 'lowerVolume', 'moveMic', 'pushToTalk'] };
  if (heardDb < c.heardAboveDb) return { verdict: 'not-heard', heardDb, echoDb, advice: [...extra, 'speakers'] };
  return { verdict: 'pass', heardDb, echoDb, advice: extra };
}

const median = (xs: number[]) => {
  if (!xs.length) return AUDIO_CHECK.silenceDb;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Samples the tone's bin (max of the bins around it) and the overall peak, every sampleMs, for `ms`. */
async function listen(ctx: AudioContext, track: MediaStreamTrack, ms: number): Promise<{ bin: number; peak: number }> {
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 4096;
  analyser.smoothingTimeConstant = 0;
  source.connect(analyser);
  const freq = new Float32Array(analyser.frequencyBinCount);
  const center = Math.round((AUDIO_CHECK.toneHz / (ctx.sampleRate / 2)) * analyser.frequencyBinCount);
  const bins: number[] = [];
  let peak: number = AUDIO_CHECK.silenceDb;
  const clamp = (x: number) => (Number.isFinite(x) ? Math.max(AUDIO_CHECK.silenceDb, x) : AUDIO_CHECK.silenceDb);
  const deadline = performance.now() + ms;
  // The first samples after connecting are empty: skip a little.
  await sleep(AUDIO_CHECK.sampleMs * 2);
  while (performance.now() < deadline) {
    analyser.getFloatFrequencyData(freq);
    let b: number = AUDIO_CHECK.silenceDb;
    for (let i = Math.max(0, center - 2); i <= Math.min(freq.length - 1, center + 2); i++) b = Math.max(b, clamp(freq[i]!));
    bins.push(b);
    for (const v of freq) peak = Math.max(peak, clamp(v));
    await sleep(AUDIO_CHECK.sampleMs);
  }
  source.disconnect();
  return { bin: median(bins), peak };
}

async function capture(constraints: MediaTrackConstraints, deviceId?: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { ...constraints, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) } });
  const track = stream.getAudioTracks()[0];
  if (!track) throw new Error('no microphone track');
  return track;
}

/** Runs the check (about 3.5 s); the tone plays through the default output. */
export async function runAudioCheck(options: { deviceId?: string; onPhase?: (phase: 'raw' | 'processed') => void } = {}): Promise<{ reading: AudioCheckReading; result: AudioCheckResult }> {
  const ctx = new AudioContext();
  await ctx.resume().catch(() => undefined);
  const tone = ctx.createOscillator();
  tone.frequency.value = AUDIO_CHECK.toneHz;
  const gain = ctx.createGain();
  gain.gain.value = 0;
  tone.connect(gain).connect(ctx.destination);
  tone.start();
  const setTone = (on: boolean) => gain.gain.setTargetAtTime(on ? AUDIO_CHECK.toneGain : 0, ctx.currentTime, 0.01);
  const tracks: MediaStreamTrack[] = [];
  try {
    options.onPhase?.('raw');
    const raw = await capture({ echoCancellation: false, noiseSuppression: false, autoGainControl: false }, options.deviceId);
    tracks.push(raw);
    const rawNoise = await listen(ctx, raw, AUDIO_CHECK.noiseMs);
    setTone(true);
    const rawTone = await listen(ctx, raw, AUDIO_CHECK.toneMs);
    setTone(false);
    raw.stop();

    options.onPhase?.('processed');
    const processed = await capture(MICROPHONE_CONSTRAINTS, options.deviceId);
    tracks.push(processed);
    const s = processed.getSettings();
    const procNoise = await listen(ctx, processed, AUDIO_CHECK.noiseMs);
    setTone(true);
    const procTone = await listen(ctx, processed, AUDIO_CHECK.toneMs);
    setTone(false);
    const reading: AudioCheckReading = {
      rawNoiseDb: r1(rawNoise.bin),
      rawToneDb: r1(rawTone.bin),
      processedNoiseDb: r1(procNoise.bin),
      processedToneDb: r1(procTone.bin),
      rawPeakDb: r1(Math.max(rawNoise.peak, rawTone.peak)),
      settings: { echoCancellation: s.echoCancellation ?? null, noiseSuppression: s.noiseSuppression ?? null, autoGainControl: s.autoGainControl ?? null },
    };
    return { reading, result: judgeAudioCheck(reading) };
  } finally {
    for (const t of tracks) t.stop();
    tone.stop();
    await ctx.close().catch(() => undefined);
  }
}
