// Three levels, named by file suffix (STYLE.md): unit specs do no I/O, int specs talk to a real
// event store and Redis, e2e specs drive the running system over HTTP.
const swc = ['@swc/jest', { swcrc: false, jsc: {
  target: 'es2022',
  parser: { syntax: 'typescript', decorators: true },
  transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
  keepClassNames: true,
}, module: { type: 'commonjs' }, sourceMaps: 'inline' }];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  moduleNameMapper: { '^@libs/([^/]+)$': '<rootDir>/libs/$1/src', '^@libs/([^/]+)/(.*)$': '<rootDir>/libs/$1/src/$2' },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/data/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    { ...common, displayName: 'int', globalSetup: '<rootDir>/test/setup/build.ts', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'], slowTestThreshold: 30, setupFilesAfterEnv: ['<rootDir>/test/setup/hang-guard.ts'] },
    { ...common, displayName: 'e2e', globalSetup: '<rootDir>/test/setup/build.ts', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], slowTestThreshold: 60, setupFilesAfterEnv: ['<rootDir>/test/setup/hang-guard.ts'] },
  ],
};
