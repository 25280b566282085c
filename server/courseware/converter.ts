import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CoursewareError } from '../../shared/schemas/courseware.ts';

/** A conversion that did not give pages; `code` says why (the client words it). */
export class ConversionError extends Error {
  constructor(
    readonly code: CoursewareError,
    message: string,
  ) {
    super(message);
    this.name = 'ConversionError';
  }
}

export interface ConvertedPage {
  readonly pageNo: number;
  readonly width: number;
  readonly height: number;
  /** Absolute path of the PNG. */
  readonly file: string;
  readonly sizeBytes: number;
}

export interface ConverterOptions {
  /** The whole conversion (office → PDF → images) must finish within this (CW-CONVERT-TIME). */
  readonly timeoutMs: number;
  readonly maxPages: number;
  /** Long side of a page image, in pixels. */
  readonly pixels: number;
  /** Binaries (tests may point at stand-ins). */
  readonly soffice?: string;
  readonly pdftoppm?: string;
  readonly pdfinfo?: string;
}

/**
 * Office file → PDF → page images, in child processes (CW-CONVERT-SANDBOX):
 * LibreOffice headless with a throwaway profile of its own (no shared state
 * between conversions, no first-start wizard), then poppler's pdftoppm. Each
 * runs in its own process group, without network where the kernel lets us make
 * a network namespace, and the group is killed when the deadline passes.
 *
 * Why pdftoppm and not pdf.js in the browser: classroom terminals are small
 * boxes driving a big screen; rendering a 1920 px page there costs far more than
 * showing a ready image (which the browser caches and the client prefetches), and
 * the server's fonts (CJK included) are one known set.
 */
export class CoursewareConverter {
  readonly #o: ConverterOptions;
  #isolate: boolean | null = null;

  constructor(options: ConverterOptions) {
    this.#o = options;
  }

  /** `unshare --net` works here (root, or unprivileged user namespaces): office files get no network. */
  get isolatesNetwork(): boolean {
    this.#isolate ??= spawnSync('unshare', ['--net', '--map-root-user', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
    return this.#isolate;
  }

  /** Converts `input` (its name ends with its type) into `outDir`/<n>.png. */
  async convert(input: string, outDir: string): Promise<ConvertedPage[]> {
    const deadline = Date.now() + this.#o.timeoutMs;
    const work = await mkdtemp(path.join(os.tmpdir(), 'tongbu-courseware-'));
    try {
      let pdf = input;
      if (path.extname(input).toLowerCase() !== '.pdf') {
        await this.#run(this.#o.soffice ?? 'soffice', [
          `-env:UserInstallation=file://${work}/profile`,
          '--headless', '--invisible', '--norestore', '--nolockcheck', '--nodefault', '--nofirststartwizard',
          '--convert-to', 'pdf', '--outdir', work, input,
        ], deadline, work);
        pdf = path.join(work, `${path.basename(input, path.extname(input))}.pdf`);
        if (!(await stat(pdf).then((s) => s.size > 0, () => false))) throw new ConversionError('conversion_failed', 'LibreOffice could not read the file');
      }
      const info = await this.#run(this.#o.pdfinfo ?? 'pdfinfo', [pdf], deadline, work);
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? NaN);
      if (!Number.isInteger(pages) || pages < 1) throw new ConversionError('conversion_failed', 'the document has no pages');
      if (pages > this.#o.maxPages) throw new ConversionError('too_many_pages', `${pages} pages: at most ${this.#o.maxPages}`);
      await mkdir(outDir, { recursive: true });
      await this.#run(this.#o.pdftoppm ?? 'pdftoppm', ['-png', '-scale-to', String(this.#o.pixels), pdf, path.join(outDir, 'page')], deadline, work);
      return await readPages(outDir);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Runs a program in its own process group; past the deadline the whole group is killed. Resolves with its stdout. */
  #run(program: string, args: string[], deadline: number, home: string): Promise<string> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new ConversionError('conversion_timeout', `the conversion took longer than ${this.#o.timeoutMs} ms`));
    const [cmd, argv] = this.isolatesNetwork ? ['unshare', ['--net', '--map-root-user', '--', program, ...args]] : [program, args];
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, argv, {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', SAL_USE_VCLPLUGIN: 'svp' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => void (out = (out + d.toString()).slice(-16_384)));
      child.stderr.on('data', (d: Buffer) => void (err = (err + d.toString()).slice(-4096)));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, remaining);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new ConversionError('conversion_failed', `${program}: ${e.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        // Whatever it left behind in its group (soffice.bin under oosplash) goes too.
        killGroup(child.pid);
        if (timedOut) reject(new ConversionError('conversion_timeout', `the conversion took longer than ${this.#o.timeoutMs} ms`));
        else if (code !== 0) reject(new ConversionError('conversion_failed', `${path.basename(program)} exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`));
        else resolve(out);
      });
    });
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* gone already */
  }
}

/** pdftoppm's page-01.png … (zero-padded to the page count's digits) in page order, with their sizes from the PNG header. */
async function readPages(dir: string): Promise<ConvertedPage[]> {
  const files = (await readdir(dir))
    .map((f) => ({ f, n: Number(/^page-(\d+)\.png$/.exec(f)?.[1] ?? NaN) }))
    .filter((x) => Number.isInteger(x.n))
    .sort((a, b) => a.n - b.n);
  const pages: ConvertedPage[] = [];
  for (const { f, n } of files) {
    const file = path.join(dir, f);
    const { width, height } = await pngSize(file);
    pages.push({ pageNo: n, width, height, file, sizeBytes: (await stat(file)).size });
  }
  if (pages.length === 0) throw new ConversionError('conversion_failed', 'no page images were made');
  return pages;
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23). */
async function pngSize(file: string): Promise<{ width: number; height: number }> {
  const h = await open(file, 'r');
  try {
    const buf = Buffer.alloc(24);
    await h.read(buf, 0, 24, 0);
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  } finally {
    await h.close();
  }
}
