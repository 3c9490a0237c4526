// One jest run covers every unit suite: the backend (node) and, once present,
// the plugin frontend (jsdom). Interop and browser suites live in their own configs.
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];
// The frontend also compiles TSX (React's automatic runtime) and the ESM-only packages
// the PromQL editor is built from.
const swcFrontend = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'commonjs' },
  },
];

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
    {
      displayName: 'frontend',
      testEnvironment: 'jsdom',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.test.ts?(x)', '<rootDir>/demo-app/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.interop\\.test\\.tsx?$', '\\.browser\\.test\\.tsx?$'],
      setupFiles: ['<rootDir>/src/test/setupJsdom.ts'],
      moduleNameMapper: {
        '^@prometheus-io/codemirror-promql$':
          '<rootDir>/node_modules/@prometheus-io/codemirror-promql/dist/esm/index.js',
        '\\.(css|svg)$': '<rootDir>/src/test/styleStub.ts',
        '^react-inlinesvg$': '<rootDir>/src/test/inlineSvgStub.tsx',
      },
      transform: { '^.+\\.m?[jt]sx?$': swcFrontend },
      transformIgnorePatterns: [
        '/node_modules/(?!(@prometheus-io|lru-cache|marked|marked-mangle|d3|d3-[a-z-]+|internmap|delaunator|robust-predicates|ol|react-calendar|get-user-locale|memoize|mimic-function|uuid|@wojtekmaj|ua-parser-js|@react-hookz/web|@ver0/deep-equal|rxjs)/)',
      ],
    },
  ],
};
