import { getJestProjectsAsync } from '@nx/jest';

// Every project's own jest config; the workspace root is not a test project itself.
// With several projects, jest takes the test timeout from this root config only (a project's
// own `testTimeout` is ignored), so the preset's value is repeated here.
export default async () => ({
  projects: (await getJestProjectsAsync()).filter((project) => project !== '<rootDir>'),
  testTimeout: 30000,
});
