import type { LivePeer } from '../../../shared/schemas/live.ts';
import type { ResponseOf } from '../../../shared/signaling/protocol.ts';
import type { LiveContext } from './LiveContext.ts';

/**
 * The room as this participant sees it: who is in it, who is on stage, hands,
 * the active speaker, the recording and the patrol marker; and the host's
 * moderation requests. The hand and the host's stage choice are wishes kept
 * across rejoins (`restore`).
 */
export class RoomState {
  readonly #ctx: LiveContext;

  constructor(ctx: LiveContext) {
    this.#ctx = ctx;
    const s = ctx.signaling;
    const upsert = (peer: LivePeer) => {
      const peers = ctx.view.peers.filter((p) => p.peerId !== peer.peerId);
      ctx.set({ peers: [...peers, peer] });
      if (peer.peerId === ctx.view.peerId) ctx.setLocal({ mutedByHost: peer.mutedByHost });
    };
    ctx.hold(
      s.on('peerJoined', ({ peer }) => {
        upsert(peer);
        if (peer.accountId === ctx.wanted.stageAccountId) void this.#restoreStage();
      }),
      s.on('peerUpdated', ({ peer }) => upsert(peer)),
      s.on('peerLeft', ({ peerId }) => ctx.set({ peers: ctx.view.peers.filter((p) => p.peerId !== peerId) })),
      s.on('patrolChanged', ({ patrols }) => ctx.set({ patrols })),
      s.on('stageChanged', ({ peerId }) => ctx.set({ stagePeerId: peerId })),
      s.on('handRaised', ({ peerId, raised }) => {
        if (peerId === ctx.view.peerId) {
          ctx.wanted.hand = raised;
          ctx.setLocal({ hand: raised });
        }
      }),
      s.on('activeSpeaker', ({ peerId }) => ctx.set({ activeSpeakerPeerId: peerId })),
      s.on('recordingChanged', (recording) => ctx.set({ recording })),
    );
  }

  /** Takes the room from a join answer. */
  apply(res: ResponseOf<'join'>): void {
    const me = res.room.peers.find((p) => p.peerId === res.peerId);
    this.#ctx.set({
      session: res.session,
      permissions: res.permissions,
      peerId: res.peerId,
      peers: res.room.peers,
      stagePeerId: res.room.stagePeerId,
      activeSpeakerPeerId: res.room.activeSpeakerPeerId,
      recording: res.room.recording,
      patrols: res.room.patrols,
      local: { ...this.#ctx.view.local, mutedByHost: me?.mutedByHost ?? false, hand: me?.handRaised ?? false },
    });
  }

  /** After a (re)join: the raised hand and the host's stage choice as they were wanted. */
  async restore(): Promise<void> {
    const view = this.#ctx.view;
    const me = view.peers.find((p) => p.peerId === view.peerId);
    if (this.#ctx.wanted.hand && !me?.handRaised) await this.#ctx.signaling.request('raiseHand', { raised: true }).catch(() => undefined);
    await this.#restoreStage();
  }

  async #restoreStage(): Promise<void> {
    const view = this.#ctx.view;
    const accountId = this.#ctx.wanted.stageAccountId;
    if (!accountId || !view.permissions?.moderate) return;
    const current = view.peers.find((p) => p.peerId === view.stagePeerId);
    if (current?.accountId === accountId) return;
    const target = view.peers.find((p) => p.accountId === accountId);
    if (target) await this.#ctx.signaling.request('setStage', { peerId: target.peerId }).catch(() => undefined);
  }

  async raiseHand(raised: boolean): Promise<void> {
    this.#ctx.wanted.hand = raised;
    this.#ctx.setLocal({ hand: raised });
    await this.#ctx.signaling.request('raiseHand', { raised });
  }

  async setStage(peerId: string | null): Promise<void> {
    this.#ctx.wanted.stageAccountId = peerId ? (this.#ctx.view.peers.find((p) => p.peerId === peerId)?.accountId ?? null) : null;
    await this.#ctx.signaling.request('setStage', { peerId });
  }

  muteClassroom(peerId: string, muted: boolean): Promise<ResponseOf<'muteClassroom'>> {
    return this.#ctx.signaling.request('muteClassroom', { peerId, muted });
  }

  lowerHand(peerId: string): Promise<ResponseOf<'lowerHand'>> {
    return this.#ctx.signaling.request('lowerHand', { peerId });
  }

  async startRecording(): Promise<void> {
    this.#ctx.set({ recording: await this.#ctx.signaling.request('startRecording', {}) });
  }

  async stopRecording(): Promise<void> {
    this.#ctx.set({ recording: await this.#ctx.signaling.request('stopRecording', {}) });
  }
}
