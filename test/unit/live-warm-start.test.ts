import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberedPreJoin, rememberPreJoin } from '../../client/src/live/prejoinChoice.ts';
import { liveRoutes } from '../../client/src/live/routes.tsx';
import { liveSessionOfPath } from '../../client/src/live/warmRoute.ts';
import { errorText } from '../../client/src/live/TeacherConsole.tsx';
import { translate } from '../../client/src/i18n/index.ts';
import { SignalingError } from '../../shared/signaling/protocol.ts';

const id = '0b6c1f7e-8d2a-4c3b-9e4f-5a6b7c8d9e0f';

describe('which address starts a live join before the app shell (LIVE-WARM-START)', () => {
  it('LIVE-WARM-START: a live session\'s page — and only that — is recognised by the tiny entry', () => {
    expect(liveSessionOfPath(`/live/${id}`)).toBe(id);
    expect(liveSessionOfPath(`/live/${id}/`)).toBe(id);
    expect(liveSessionOfPath(`/live/${id.toUpperCase()}`)).toBe(id);
    for (const other of ['/', '/live', '/live/', '/live/patrol', '/live/rules', `/live/report/${id}`, `/live/${id}/x`, '/live/not-a-session', `/quotas/communities/${id}`, `/x/live/${id}`]) {
      expect(liveSessionOfPath(other), other).toBeNull();
    }
  });

  it('LIVE-WARM-START: every other page of the live folder\'s route table is left to the shell', () => {
    const sessionPage = liveRoutes.find((r) => r.path === '/live/:sessionId');
    expect(sessionPage).toBeDefined();
    for (const route of liveRoutes.filter((r) => r !== sessionPage)) {
      const path = route.path.replace(/:[A-Za-z]+/g, id);
      expect(liveSessionOfPath(path), route.path).toBeNull();
    }
  });
});

describe('a teacher\'s pre-join choice, kept for the tab (LIVE-AUTO-JOIN)', () => {
  afterEach(() => vi.unstubAllGlobals());

  const tabStorage = () => {
    const items = new Map<string, string>();
    return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
  };

  it('LIVE-AUTO-JOIN: a choice made in this tab is found again for its session only', () => {
    const storage = tabStorage();
    vi.stubGlobal('window', { sessionStorage: storage });
    expect(rememberedPreJoin(id)).toBeNull();
    rememberPreJoin(id, { camera: false, microphone: true });
    expect(rememberedPreJoin(id)).toEqual({ camera: false, microphone: true });
    expect(rememberedPreJoin('11111111-2222-4333-8444-555555555555')).toBeNull();
  });

  it('LIVE-AUTO-JOIN: an unreadable or foreign value is no choice (the teacher is asked again), and no storage is no choice', () => {
    const storage = tabStorage();
    vi.stubGlobal('window', { sessionStorage: storage });
    for (const raw of ['{', 'null', '"yes"', '{"camera":true}', '{"camera":"1","microphone":true}']) {
      storage.items.set(`tongbu.live.prejoin.${id}`, raw);
      expect(rememberedPreJoin(id), raw).toBeNull();
    }
    vi.stubGlobal('window', {
      get sessionStorage(): Storage {
        throw new Error('storage disabled');
      },
    });
    expect(rememberedPreJoin(id)).toBeNull();
    expect(() => rememberPreJoin(id, { camera: true, microphone: true })).not.toThrow();
  });

  it('LIVE-AUTO-JOIN: the prejoin refusal is worded in both languages', () => {
    const err = new SignalingError('prejoin', 'A teacher joins after the pre-join check (camera, microphone, network)', 'join');
    expect(errorText((key, params) => translate('zh-CN', key, params), err)).toMatch(/^请先完成进入前检查/);
    expect(errorText((key, params) => translate('en', key, params), err)).toMatch(/^Check your camera, microphone and network before joining/);
  });
});
