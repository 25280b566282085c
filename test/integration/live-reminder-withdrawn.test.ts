/**
 * A session that ended takes its reminders down: the teachers and classroom terminals that
 * were told "join now" get `schedule:reminderWithdrawn` for it, over a real socket.io-client.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { REMINDER_EVENT, REMINDER_WITHDRAWN_EVENT, type Reminder, type ReminderWithdrawn } from '../../shared/schemas/schedule.ts';
import { createReminderScheduler } from '../../server/schedule/index.ts';
import { createLiveSession, liveService } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let p: TestPlatform;
const sockets: Socket[] = [];

beforeAll(async () => {
  p = await startTestPlatform({ env: { SCHEDULE_REMINDER_TICK_SECONDS: '0', LIVE_SWEEP_SECONDS: '0' } });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

async function listen(username: string) {
  const { cookie } = await p.signIn(username);
  const socket = connect(p.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  const heard = { reminders: [] as Reminder[], withdrawn: [] as ReminderWithdrawn[] };
  socket.on(REMINDER_EVENT, (r: Reminder) => heard.reminders.push(r));
  socket.on(REMINDER_WITHDRAWN_EVENT, (w: ReminderWithdrawn) => heard.withdrawn.push(w));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return heard;
}

describe('reminders of an ended session', () => {
  it('the teacher and the classroom terminals told "join now" are told the session is over', async () => {
    const sessionId = await createLiveSession(p, { startsInMs: -60_000, durationMs: 10 * 60_000, members: ['ganpu'] });
    const teacher = await listen('teacher.wang');
    const ganpu = await listen('class.ganpu');
    const liuli = await listen('class.liuli');
    const scheduler = createReminderScheduler({ db: p.database.db, io: p.server.io, leadMinutes: 10 });
    expect(await scheduler.tick()).toContainEqual(expect.objectContaining({ sessionId, kind: 'start' }));
    await expect.poll(() => ganpu.reminders.map((r) => r.sessionId)).toContain(sessionId);

    const service = liveService(p);
    const wang = await p.signIn('teacher.wang');
    const me = await wang.call(api.me, {});
    const accountId = me.ok ? me.data.account.id : '';
    await service.directory.transition(sessionId, 'live', null, { actorAccountId: accountId });
    await service.endSession(sessionId, 'host', { accountId });

    await expect.poll(() => ganpu.withdrawn, { timeout: 10_000 }).toEqual([{ sessionId }]);
    await expect.poll(() => teacher.withdrawn, { timeout: 10_000 }).toEqual([{ sessionId }]);
    // A classroom not in the lesson hears nothing of it.
    expect(liuli.withdrawn).toEqual([]);
  });
});
