/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testTimeout: 30000,
  // A skipped or todo test must never pass silently: the run fails if any is reported.
  reporters: ['default', '<rootDir>/test/support/noSkippedTestsReporter.js'],
};
