import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain "N passed, N failed" line after vitest's own summary, so CI
 * logs (and people) can read the outcome without parsing vitest's format.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      // A file that failed to load, or whose setup failed (its tests then count as skipped), is a failure all the same.
      if (mod.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    failed += errors.length;
    writeTimings(testModules);
    const extra = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${passed} passed, ${failed} failed${extra}\n`);
  }
}

/**
 * Where a run's time went, per test file (test-results/timings.json, slowest first):
 * the file's own duration and vitest's preparation, import and setup before it.
 */
function writeTimings(testModules: ReadonlyArray<TestModule>): void {
  const rows = testModules.map((mod) => {
    const d = mod.diagnostic();
    return {
      project: mod.project.name,
      file: mod.relativeModuleId,
      ms: Math.round(d.duration),
      prepareMs: Math.round(d.prepareDuration),
      importMs: Math.round(d.collectDuration),
      setupMs: Math.round(d.setupDuration + d.environmentSetupDuration),
    };
  });
  rows.sort((a, b) => b.ms - a.ms);
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/timings.json', JSON.stringify(rows, null, 1));
}
