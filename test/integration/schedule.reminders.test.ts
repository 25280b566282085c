import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { REMINDER_EVENT, REMINDER_WITHDRAWN_EVENT, type Reminder, type ReminderWithdrawn } from '../../shared/schemas/schedule.ts';
import { createReminderScheduler } from '../../server/schedule/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { demoDirectory, lessonDraft, type DemoDirectory, PLANNING_NOW } from '../support/schedule.ts';
import { drained } from '../support/sockets.ts';

let p: TestPlatform;
let dir: DemoDirectory;
const sockets: Socket[] = [];

beforeAll(async () => {
  // The platform's own reminder clock is off: the test drives an injected clock instead.
  p = await startTestPlatform({ env: { SCHEDULE_REMINDER_TICK_SECONDS: '0', SCHEDULE_NOW: PLANNING_NOW } });
  dir = await demoDirectory(p.database.db);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await p?.close();
});

/** The withdrawals (session ids) each listening socket received, by its reminders list. */
const withdrawals = new WeakMap<Reminder[], string[]>();

/** A real Socket.IO client signed in as a demo account, collecting reminders (and withdrawals). */
async function listen(username: string) {
  const { cookie } = await p.signIn(username);
  const socket = connect(p.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  const received: Reminder[] = [];
  const withdrawn: string[] = [];
  withdrawals.set(received, withdrawn);
  socket.on(REMINDER_EVENT, (r: Reminder) => received.push(r));
  socket.on(REMINDER_WITHDRAWN_EVENT, (w: ReminderWithdrawn) => withdrawn.push(w.sessionId));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return received;
}

/** Every reminder the server sent so far has reached every listening socket. */
const settle = () => drained(p.server.io, ...sockets);

describe('reminders over Socket.IO', () => {
  it('10 minutes before and at the start, once each, to the teacher and the classroom terminals taking part', async () => {
    const coord = await p.signIn('coord.shiyan');
    const created = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-01T09:00:00+08:00', '2026-12-01T09:40:00+08:00') });
    expect(created.status).toBe(201);
    const sessionId = created.ok ? created.data.sessions[0]!.id : '';

    const teacher = await listen('teacher.wang');
    const ganpu = await listen('class.ganpu');
    const liuli = await listen('class.liuli');
    let now = new Date('2026-12-01T08:49:00+08:00');
    const scheduler = createReminderScheduler({ db: p.database.db, io: p.server.io, leadMinutes: 10, now: () => now });
    // A second server process with its own scheduler, sharing the database.
    const other = createReminderScheduler({ db: p.database.db, io: p.server.io, leadMinutes: 10, now: () => now });

    expect(await scheduler.tick()).toEqual([]);
    now = new Date('2026-12-01T08:50:30+08:00');
    const [a, b] = await Promise.all([scheduler.tick(), other.tick()]);
    expect([...a, ...b]).toEqual([expect.objectContaining({ sessionId, kind: 'upcoming', minutesBefore: 10, title: '分数的初步认识' })]);
    await settle();
    expect(teacher).toEqual([expect.objectContaining({ sessionId, kind: 'upcoming', startsAt: '2026-12-01T01:00:00.000Z', timeZone: 'Asia/Shanghai' })]);
    expect(ganpu.map((r) => r.kind)).toEqual(['upcoming']);
    expect(liuli).toEqual([]);

    // Later ticks, and a restart (a fresh scheduler), do not send it again.
    now = new Date('2026-12-01T08:55:00+08:00');
    expect(await scheduler.tick()).toEqual([]);
    expect(await createReminderScheduler({ db: p.database.db, io: p.server.io, leadMinutes: 10, now: () => now }).tick()).toEqual([]);

    now = new Date('2026-12-01T09:00:05+08:00');
    const [c, d] = await Promise.all([other.tick(), scheduler.tick()]);
    expect([...c, ...d].map((r) => r.kind)).toEqual(['start']);
    await settle();
    expect(teacher.map((r) => r.kind)).toEqual(['upcoming', 'start']);
    expect(ganpu.map((r) => r.kind)).toEqual(['upcoming', 'start']);
    now = new Date('2026-12-01T09:10:00+08:00');
    expect(await scheduler.tick()).toEqual([]);
  });

  it('cancelled sessions are not reminded; a moved one is reminded at its new time', async () => {
    const coord = await p.signIn('coord.shiyan');
    const a = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-02T09:00:00+08:00', '2026-12-02T09:40:00+08:00', { title: '会取消' }) });
    const b = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-02T10:00:00+08:00', '2026-12-02T10:40:00+08:00', { title: '会调课' }) });
    const aId = a.ok ? a.data.sessions[0]!.id : '';
    const bId = b.ok ? b.data.sessions[0]!.id : '';
    await coord.call(api.cancelSession, { params: { id: aId }, body: { reason: '停电' } });
    let now = new Date('2026-12-02T08:55:00+08:00');
    const scheduler = createReminderScheduler({ db: p.database.db, io: p.server.io, leadMinutes: 10, now: () => now });
    expect(await scheduler.tick()).toEqual([]);
    now = new Date('2026-12-02T09:55:00+08:00');
    expect((await scheduler.tick()).map((r) => r.title)).toEqual(['会调课']);
    await coord.call(api.updateSession, { params: { id: bId }, body: { startsAt: '2026-12-02T14:00:00+08:00', endsAt: '2026-12-02T14:40:00+08:00' } });
    now = new Date('2026-12-02T13:51:00+08:00');
    expect((await scheduler.tick()).map((r) => [r.title, r.kind])).toEqual([['会调课', 'upcoming']]);
  });

  it('a notice already shown is withdrawn once when its session is cancelled or moved, across scheduler processes', async () => {
    const coord = await p.signIn('coord.shiyan');
    const a = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-03T09:00:00+08:00', '2026-12-03T09:40:00+08:00', { title: '通知后取消' }) });
    const b = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-03T10:00:00+08:00', '2026-12-03T10:40:00+08:00', { title: '通知后调课' }) });
    const aId = a.ok ? a.data.sessions[0]!.id : '';
    const bId = b.ok ? b.data.sessions[0]!.id : '';
    const teacher = await listen('teacher.wang');
    const withdrawn = withdrawals.get(teacher)!;
    let now = new Date('2026-12-03T08:51:00+08:00');
    const scheduler = createReminderScheduler({ db: p.database.db, io: p.server.io, leadMinutes: 10, now: () => now });
    const other = createReminderScheduler({ db: p.database.db, io: p.server.io, leadMinutes: 10, now: () => now });
    expect((await scheduler.tick()).map((r) => r.title)).toEqual(['通知后取消']);
    now = new Date('2026-12-03T09:51:00+08:00');
    expect((await scheduler.tick()).map((r) => r.title)).toEqual(['通知后调课']);
    await settle();
    expect(teacher.map((r) => r.title)).toEqual(['通知后取消', '通知后调课']);
    expect(withdrawn).toEqual([]);

    await coord.call(api.cancelSession, { params: { id: aId }, body: { reason: '教师生病' } });
    await coord.call(api.updateSession, { params: { id: bId }, body: { startsAt: '2026-12-03T15:00:00+08:00', endsAt: '2026-12-03T15:40:00+08:00' } });
    now = new Date('2026-12-03T09:52:00+08:00');
    await Promise.all([scheduler.tick(), other.tick()]);
    await settle();
    await settle();
    expect([...withdrawn].sort()).toEqual([aId, bId].sort());
    // Once only: later ticks withdraw nothing more.
    await scheduler.tick();
    await settle();
    expect(withdrawn).toHaveLength(2);
  });
});
