/**
 * The console in real Chromium against the API (started in-process on SQLite with the gateway
 * sandboxes). Named so the workspace's jest run does not pick it up: `npm test` runs it as its own
 * step, after building the console.
 */
export default {
  displayName: 'console-e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testTimeout: 90_000,
  maxWorkers: 1,
};
