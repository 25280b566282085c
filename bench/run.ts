/**
 * `npm run bench [name…]`: runs every bench/*.bench.ts (or the named ones), each in
 * turn, and writes its result to bench/results/<name>.json. A bench module
 * default-exports `async (ctx) => result`; the result must hold its own baseline
 * measured in the same run, so numbers compare on the same machine and load.
 * The summary of the latest results is kept by hand in bench/README.md.
 */
import { readdir, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchContext {
  /** Progress lines (stderr) so long runs show they are alive. */
  log(message: string): void;
  /** `--quick`: smaller sizes, for a smoke run. */
  readonly quick: boolean;
}

export type Bench = (ctx: BenchContext) => Promise<Record<string, unknown>>;

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
const selected = wanted.length ? files.filter((f) => wanted.includes(f.replace('.bench.ts', ''))) : files;
if (selected.length === 0) {
  console.error(`no bench matches ${wanted.join(', ')}; have: ${files.map((f) => f.replace('.bench.ts', '')).join(', ')}`);
  process.exit(1);
}

await mkdir(path.join(here, 'results'), { recursive: true });
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` };
let failed = 0;
for (const file of selected) {
  const name = file.replace('.bench.ts', '');
  const started = Date.now();
  console.error(`\n== bench ${name}${quick ? ' (quick)' : ''}`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: Bench };
    const result = await mod.default({ log: (m) => console.error(`  [${name}] ${m}`), quick });
    const out = { name, date: new Date().toISOString(), quick, machine, durationSeconds: Math.round((Date.now() - started) / 1000), result };
    const target = path.join(here, 'results', `${name}${quick ? '.quick' : ''}.json`);
    await writeFile(target, JSON.stringify(out, null, 2) + '\n');
    console.log(`${name}: ${JSON.stringify(result)}`);
  } catch (err) {
    failed++;
    console.error(`bench ${name} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
