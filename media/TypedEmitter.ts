import { EventEmitter } from 'node:events';

/** An EventEmitter whose event names and arguments are checked against an event map. */
export class TypedEmitter<Events extends Record<string, unknown[]>> {
  readonly #emitter = new EventEmitter();

  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Listener errors are reported on `error`-less emitters by logging, never by crashing the media plane. */
  protected emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    try {
      this.#emitter.emit(event, ...args);
    } catch (err) {
      console.error(`listener of ${event} threw`, err);
    }
  }

  protected removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
