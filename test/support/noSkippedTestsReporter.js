/**
 * Fails the run when any test was skipped or left as todo: a skipped test must never be
 * counted as passing.
 */
class NoSkippedTestsReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    if (skipped > 0) {
      console.error(`\n${skipped} test(s) skipped or todo: every test must run.`);
      process.exitCode = 1;
    }
  }
}
module.exports = NoSkippedTestsReporter;
