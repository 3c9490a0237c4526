// Suites that start real peers (Prometheus, Alertmanager, node exporter) or a browser.
// They run after the unit suites in .ci/run, one at a time, each bounded in time.
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/pkg-ts-backend/src/**/*.interop.test.ts', '<rootDir>/src/**/*.browser.test.ts?(x)', '<rootDir>/pkg-ts-backend/src/**/*.browser.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: { '^.+\\.tsx?$': swc },
  maxWorkers: 1,
  testTimeout: 120000,
};
