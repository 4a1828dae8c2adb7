/**
 * The deployment specs: built API processes (several at once), TCP proxies, the Docker image.
 * Their own step of `npm test`, after the database passes, so their builds and processes never
 * share the machine with the parallel passes.
 */
export default {
  displayName: 'deploy',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  maxWorkers: 1,
};
