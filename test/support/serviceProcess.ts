import type { ChildProcess } from 'node:child_process';

/**
 * A long-running child (a server, nginx, coturn) a test started: the tail of
 * its output for a failing test's message, waiting for a line it prints, and a
 * stop that escalates from SIGTERM to SIGKILL.
 */
export class ServiceProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #output = '';

  constructor(
    readonly label: string,
    child: ChildProcess,
  ) {
    this.#child = child;
    const keep = (d: Buffer) => (this.#output = (this.#output + d.toString()).slice(-30_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  output(): string {
    return this.#output;
  }

  /** Resolves once the output contains `text`; rejects if the process exits first or after `timeoutMs`. */
  async waitForOutput(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#output.includes(text)) {
      if (!this.running) throw new Error(`${this.label} exited (${this.#child.exitCode ?? this.#child.signalCode}):\n${this.#output}`);
      if (Date.now() > deadline) throw new Error(`${this.label} did not print "${text}" within ${timeoutMs} ms:\n${this.#output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGTERM');
    await Promise.race([this.#exited, new Promise((r) => setTimeout(r, graceMs))]);
    if (this.running) {
      this.#child.kill('SIGKILL');
      await this.#exited;
    }
  }
}
