import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Test hosts as Linux network namespaces (needs root and iproute2). Every host
 * gets an `eth0` whose other end sits on a bridge in a namespace of its own
 * (the "LAN"), so nothing is added to the machine's own network: every address
 * lives only in namespaces this run created, in 198.18.0.0/15 (reserved for
 * network benchmarking). Names carry the run's pid and a random tag; `remove()`
 * kills what runs inside and deletes them, and `create()` first removes the
 * namespaces of earlier runs whose process is gone (a run killed outright).
 */
export interface HostSpec {
  /** A short name (letters and digits), unique in the network. */
  readonly name: string;
  /** IPv4 addresses in 198.18.0.0/15, on eth0. */
  readonly addresses: readonly string[];
}

export interface NetnsHost {
  readonly name: string;
  /** The namespace's name (`ip netns exec <ns> …`). */
  readonly ns: string;
  readonly addresses: readonly string[];
}

const IP = process.env['IP_PATH'] ?? '/usr/sbin/ip';
const PREFIX = 'tongbu-';
const BENCHMARK_RANGE = /^198\.(18|19)\.\d{1,3}\.\d{1,3}$/;

export class NetnsCommandError extends Error {}

/** Runs a command, resolving with its stdout; rejects with its stderr. */
export function run(file: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new NetnsCommandError(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const ip = (...args: string[]) => run(IP, args);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function deleteNamespace(ns: string): Promise<void> {
  const pids = (await ip('netns', 'pids', ns).catch(() => '')).split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await ip('netns', 'del', ns);
}

/** Namespaces named by a run of this harness whose process no longer exists. */
async function removeOrphans(): Promise<void> {
  const names = (await ip('netns', 'list')).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(PREFIX));
  for (const ns of names) {
    const pid = Number(ns.split('-')[1]);
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) await deleteNamespace(ns).catch(() => undefined);
  }
}

export class TestNetwork {
  readonly #hosts = new Map<string, NetnsHost>();
  readonly #namespaces: string[] = [];
  readonly #dir: string;
  readonly #tag: string;

  private constructor(dir: string, tag: string) {
    this.#dir = dir;
    this.#tag = tag;
  }

  /** Creates the hosts on one bridged segment (`prefixLength` of their addresses). */
  static async create(hosts: readonly HostSpec[], prefixLength = 24): Promise<TestNetwork> {
    for (const h of hosts) {
      if (!/^[a-z][a-z0-9]{0,11}$/.test(h.name)) throw new Error(`host name ${h.name}: letters and digits, at most 12`);
      for (const a of h.addresses) if (!BENCHMARK_RANGE.test(a)) throw new Error(`${h.name}: ${a} is outside 198.18.0.0/15`);
    }
    await removeOrphans();
    const network = new TestNetwork(await mkdtemp(path.join(tmpdir(), 'tongbu-netns-')), `${process.pid}-${randomBytes(2).toString('hex')}`);
    try {
      const lan = await network.#addNamespace('lan');
      await ip('-n', lan, 'link', 'add', 'br0', 'type', 'bridge', 'forward_delay', '0');
      await ip('-n', lan, 'link', 'set', 'br0', 'up');
      for (const [i, h] of hosts.entries()) {
        const ns = await network.#addNamespace(h.name);
        const port = `p${i}`;
        // Both ends are created inside namespaces: the machine's own namespace never sees them.
        await ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', port, 'netns', lan);
        await ip('-n', lan, 'link', 'set', port, 'master', 'br0', 'up');
        for (const a of h.addresses) await ip('-n', ns, 'addr', 'add', `${a}/${prefixLength}`, 'dev', 'eth0');
        await ip('-n', ns, 'link', 'set', 'eth0', 'up');
        await ip('-n', ns, 'link', 'set', 'lo', 'up');
        network.#hosts.set(h.name, { name: h.name, ns, addresses: h.addresses });
      }
      return network;
    } catch (err) {
      await network.remove();
      throw err;
    }
  }

  async #addNamespace(name: string): Promise<string> {
    const ns = `${PREFIX}${this.#tag}-${name}`;
    await ip('netns', 'add', ns);
    this.#namespaces.push(ns);
    return ns;
  }

  host(name: string): NetnsHost {
    const h = this.#hosts.get(name);
    if (!h) throw new Error(`no host ${name} in this network`);
    return h;
  }

  /** Runs a command inside a host and returns its stdout (`input` goes to its stdin). */
  exec(host: string, argv: readonly string[], input?: string): Promise<string> {
    return run(IP, ['netns', 'exec', this.host(host).ns, ...argv], input);
  }

  /** Starts a long-running process inside a host (`ip netns exec` keeps the pid and inherited pipes). */
  spawn(host: string, argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    return spawn(IP, ['netns', 'exec', this.host(host).ns, ...argv], options);
  }

  /** An executable that runs `binary` inside a host (for tools that take a program path, e.g. playwright). */
  async wrapper(host: string, binary: string): Promise<string> {
    const file = path.join(this.#dir, `${host}-${path.basename(binary)}`);
    await writeFile(file, `#!/bin/sh\nexec ${IP} netns exec ${this.host(host).ns} ${binary} "$@"\n`);
    await chmod(file, 0o755);
    return file;
  }

  /** Whether `address:port` accepts a TCP connection when dialled from `host`. */
  async tcpAnswers(host: string, address: string, port: number): Promise<boolean> {
    return this.exec(host, ['timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${address}/${port}`]).then(
      () => true,
      () => false,
    );
  }

  /** Kills whatever still runs inside and deletes every namespace (errors are collected, not thrown early). */
  async remove(): Promise<void> {
    const failures: string[] = [];
    for (const ns of this.#namespaces.splice(0).reverse()) {
      await deleteNamespace(ns).catch((err: Error) => failures.push(err.message));
    }
    await rm(this.#dir, { recursive: true, force: true });
    if (failures.length) throw new Error(`removing the test network: ${failures.join('; ')}`);
  }
}
