/**
 * The browser's small counterpart of media/TypedEmitter: event names and their
 * arguments are checked against an event map; a listener that throws is logged
 * and never stops the others.
 */
export class Emitter<Events extends Record<string, unknown[]>> {
  readonly #listeners = new Map<keyof Events, Set<(...args: never) => void>>();

  /** Adds a listener; the answer removes it. */
  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const l of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (l as unknown as (...args: Events[K]) => void)(...args);
      } catch (err) {
        console.error(`live: a ${String(event)} listener failed`, err);
      }
    }
  }
}
