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
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveWorkerBinary } from '../../media/workerBinary.ts';

const execFileP = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const jestBin = join(repoRoot, 'node_modules', '.bin', 'jest');
const suiteDir = join(dirname(createRequire(import.meta.url).resolve('mediasoup')), 'test');
// test-Worker.js loads a DTLS certificate and key from here. They are not
// shipped (nor committed by us): a throwaway pair is made for each run.
const pemDir = join(suiteDir, 'data');

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

let workDir: string;
let createdPemDir = false;

beforeAll(async () => {
  const worker = resolveWorkerBinary();
  if (!worker.exists) {
    throw new Error(`no mediasoup worker at ${worker.path}: run \`bash media/worker-build/build.sh\` first`);
  }
  workDir = await mkdtemp(join(tmpdir(), 'tongbu-mediasoup-suite-'));
  createdPemDir = !existsSync(pemDir);
  await mkdir(pemDir, { recursive: true });
  await execFileP('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(pemDir, 'dtls-key.pem'), '-out', join(pemDir, 'dtls-cert.pem'),
    '-days', '1', '-subj', '/CN=mediasoup-test',
  ]);
});

afterAll(async () => {
  if (createdPemDir) await rm(pemDir, { recursive: true, force: true });
  else for (const pem of ['dtls-key.pem', 'dtls-cert.pem']) await rm(join(pemDir, pem), { force: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

it('mediasoup\'s shipped test suite passes against our worker', async () => {
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
  if (!report) throw new Error(`jest wrote no report:\n${run.stderr ?? ''}`);

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
  // 17 suites / 202 tests in 3.27.1: a collapse in the count means jest found
  // or ran less than it should, not success.
  expect(report.numTotalTestSuites).toBeGreaterThanOrEqual(17);
  expect(report.numTotalTests).toBeGreaterThan(190);
}, 300_000);
