import type { RequestName } from '../../../shared/signaling/protocol.ts';
import type { Participant } from '../LiveRoom.ts';
import type { LiveService } from '../service.ts';
import type { Handler, InRoom } from '../handlers.ts';
import { ToolStore } from './ToolStore.ts';

export type HandlersOf<T> = { [N in keyof T & RequestName]: Handler<N> };

const stores = new WeakMap<LiveService, ToolStore>();

/** The records of the platform's live service. */
export function storeOf(service: LiveService): ToolStore {
  let s = stores.get(service);
  if (!s) stores.set(service, (s = new ToolStore(service.db)));
  return s;
}

/** Everybody in the room, patrols included (they see what the room sees). */
export const everyone = (ctx: InRoom): Iterable<Participant> => ctx.room.participants.values();
