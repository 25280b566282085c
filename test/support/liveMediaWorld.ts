import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { stopProcess, type RtpSink } from '../media/helpers/rtp.ts';
import { liveSocket, tempDataDir, type LiveSocket } from './live.ts';
import { startTestPlatform, type TestPlatform } from './platform.ts';

export interface LiveMediaWorld {
  /** Set before the file's tests run. */
  platform: TestPlatform;
  pool: WorkerPool;
  /** ffmpeg senders and RTP sinks the file starts: stopped and closed after its tests. */
  readonly senders: ChildProcess[];
  readonly sinks: RtpSink[];
  /** A live socket signed in as `username`, closed after the file's tests. */
  open(username: string): Promise<LiveSocket>;
}

/**
 * A test file's platform with one real media worker, for live tests that send and receive RTP
 * (ffmpeg senders, plain transports into sinks): made before the file's tests, and everything it
 * handed out closed after them.
 */
export function liveMediaWorld(): LiveMediaWorld {
  const data = tempDataDir();
  const sockets: LiveSocket[] = [];
  const world = {
    senders: [] as ChildProcess[],
    sinks: [] as RtpSink[],
    async open(username: string) {
      const s = await liveSocket(world.platform, username);
      sockets.push(s);
      return s;
    },
  } as LiveMediaWorld;
  beforeAll(async () => {
    world.pool = await WorkerPool.create({ size: 1 });
    world.platform = await startTestPlatform({ media: world.pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const f of world.senders) await stopProcess(f);
    for (const s of world.sinks) s.close();
    await world.platform?.close();
    data.cleanup();
    world.pool?.close();
  });
  return world;
}
