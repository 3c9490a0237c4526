// One jest run covers every unit suite: the backend (node) and, once present,
// the plugin frontend (jsdom). Interop and browser suites live in their own configs.
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'backend',
      testEnvironment: 'node',
      rootDir: '<rootDir>/pkg-ts-backend',
      testMatch: ['<rootDir>/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.interop\\.test\\.ts$', '\\.browser\\.test\\.ts$'],
      transform: { '^.+\\.tsx?$': swc },
    },
  ],
};
