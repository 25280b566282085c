/**
 * A setting the server cannot start with. `main.ts` prints it as one line naming
 * the setting and exits with EX_CONFIG (78), which systemd does not restart on.
 */
export class ConfigError extends Error {
  static readonly exitCode = 78;
  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`${setting}: ${reason}`);
    this.name = 'ConfigError';
  }
}
