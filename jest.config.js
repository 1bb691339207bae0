// ESM + ts-jest, as in actions/typescript-action. Integration tests start real PostgreSQL servers,
// so tests run in band on this 2-core budget and get generous timeouts.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }] },
  extensionsToTreatAsEsm: ['.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
