/**
 * Acceptance test of our offline worker build (media/worker-build): mediasoup's
 * own Node test suite, shipped compiled in the npm package
 * (node_modules/mediasoup/node/lib/test/test-*.js, written for jest), run
 * against the worker that mediasoup will actually spawn. It drives every
 * worker request handler (transports, producers/consumers, SCTP, RTP
 * observers, pipes), so it catches a shim or patch that breaks the worker in
 * ways our own tests would not reach.
 *
 * jest runs in a child process: the suite is jest's, with jest globals and
 * module semantics, and vitest is not a drop-in for it. Its devDependencies
 * (jest, pick-port, werift-sctp) are in our package.json.
 *
 * It takes minutes, so it runs once per worker binary: a pass is recorded under
 * ~/.cache/tongbu/shipped-suite-passed/<sha256 of the binary>, beside the worker cache (see
 * helpers/shippedSuiteRecord.ts) and later runs check that record against the
 * binary instead; every run starts the worker and serves a router with it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as mediasoup from 'mediasoup';
import { beforeAll, expect, it } from 'vitest';
import { resolveWorkerBinary } from '../../media/workerBinary.ts';
import { installedMediasoupVersion, recordedPass, recordPass, sha256OfFile, shippedSuiteCacheDir } from './helpers/shippedSuiteRecord.ts';

const execFileP = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const jestBin = join(repoRoot, 'node_modules', '.bin', 'jest');
const suiteDir = join(dirname(createRequire(import.meta.url).resolve('mediasoup')), 'test');
// test-Worker.js loads a DTLS certificate and key from here. They are not
// shipped (nor committed by us): a throwaway pair is made for each run.
const pemDir = join(suiteDir, 'data');
const cacheDir = shippedSuiteCacheDir();
const worker = resolveWorkerBinary();

/** The parts of jest's --json report that this test reads. */
interface JestReport {
  success: boolean;
  numTotalTestSuites: number;
  numPassedTestSuites: number;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { name: string; message: string; assertionResults: { fullName: string; status: string }[] }[];
}

// 17 suites / 202 tests in 3.27.1: a collapse in the count means jest found
// or ran less than it should, not success.
const MIN_SUITES = 17;
const MIN_TESTS = 191;

let workerSha256: string;

beforeAll(async () => {
  if (!worker.exists) {
    throw new Error(`no mediasoup worker at ${worker.path}: run \`bash media/worker-build/build.sh\` first`);
  }
  workerSha256 = await sha256OfFile(worker.path);
});

/** Runs the suite under jest in a child process, with a throwaway DTLS pair and jest cache. */
async function runShippedSuite(): Promise<{ report: JestReport | null; stderr: string }> {
  const workDir = await mkdtemp(join(tmpdir(), 'tongbu-mediasoup-suite-'));
  const createdPemDir = !existsSync(pemDir);
  try {
    await mkdir(pemDir, { recursive: true });
    await execFileP('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(pemDir, 'dtls-key.pem'), '-out', join(pemDir, 'dtls-cert.pem'),
      '-days', '1', '-subj', '/CN=mediasoup-test',
    ]);
    const config = {
      rootDir: suiteDir,
      testEnvironment: 'node',
      testRegex: '/test-[^/]*\\.js$',
      // The suite lives under node_modules, which jest skips by default.
      testPathIgnorePatterns: [],
      haste: { retainAllFiles: true },
      transform: {},
      cacheDirectory: join(workDir, 'jest-cache'),
    };
    const reportFile = join(workDir, 'report.json');
    // jest exits non-zero when a test fails; the report says which, so read it anyway.
    const run = await execFileP(jestBin, ['--config', JSON.stringify(config), '--ci', '--json', `--outputFile=${reportFile}`], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: '0' },
    }).catch((error: { stdout?: string; stderr?: string }) => error);
    const report = JSON.parse(await readFile(reportFile, 'utf8').catch(() => 'null')) as JestReport | null;
    return { report, stderr: run.stderr ?? '' };
  } finally {
    if (createdPemDir) await rm(pemDir, { recursive: true, force: true });
    else for (const pem of ['dtls-key.pem', 'dtls-cert.pem']) await rm(join(pemDir, pem), { force: true });
    await rm(workDir, { recursive: true, force: true });
  }
}

it('the worker binary starts and serves a router', async () => {
  const w = await mediasoup.createWorker({ logLevel: 'warn' });
  try {
    expect((await w.getResourceUsage()).ru_maxrss).toBeGreaterThan(0);
    const router = await w.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
    expect(router.rtpCapabilities.codecs?.map((c) => c.mimeType)).toContain('audio/opus');
  } finally {
    w.close();
  }
});

it('mediasoup\'s shipped test suite passes against our worker (run once per worker binary)', async () => {
  const version = installedMediasoupVersion();
  const recorded = await recordedPass(cacheDir, workerSha256);
  if (recorded && recorded.mediasoupVersion === version) {
    // This very binary passed before: the pass on record names the file's hash as it is now.
    console.log(`mediasoup shipped suite: passed ${recorded.passedAt} for worker ${workerSha256.slice(0, 12)}… (mediasoup ${version}): ${recorded.suites} suites, ${recorded.tests} tests; not run again`);
    expect(recorded.workerSha256).toBe(workerSha256);
    expect(recorded.suites).toBeGreaterThanOrEqual(MIN_SUITES);
    expect(recorded.tests).toBeGreaterThanOrEqual(MIN_TESTS);
    return;
  }

  const { report, stderr } = await runShippedSuite();
  if (!report) throw new Error(`jest wrote no report:\n${stderr}`);
  const failures = report.testResults.flatMap((suite) => [
    ...(suite.assertionResults.length === 0 && suite.message ? [`${suite.name}: ${suite.message.slice(0, 500)}`] : []),
    ...suite.assertionResults.filter((t) => t.status === 'failed').map((t) => `${suite.name}: ${t.fullName}`),
  ]);
  console.log(
    `mediasoup shipped suite: ${report.numPassedTestSuites}/${report.numTotalTestSuites} suites, ` +
      `${report.numPassedTests}/${report.numTotalTests} tests passed, ${report.numPendingTests} skipped`,
  );
  expect(failures).toEqual([]);
  expect(report.success).toBe(true);
  expect(report.numFailedTests).toBe(0);
  expect(report.numPendingTests).toBe(0);
  expect(report.numPassedTestSuites).toBe(report.numTotalTestSuites);
  expect(report.numPassedTests).toBe(report.numTotalTests);
  expect(report.numTotalTestSuites).toBeGreaterThanOrEqual(MIN_SUITES);
  expect(report.numTotalTests).toBeGreaterThanOrEqual(MIN_TESTS);
  // The binary must not have changed under the run.
  expect(await sha256OfFile(worker.path)).toBe(workerSha256);
  await recordPass(cacheDir, { workerSha256, mediasoupVersion: version, suites: report.numTotalTestSuites, tests: report.numTotalTests, passedAt: new Date().toISOString() });
}, 600_000);
