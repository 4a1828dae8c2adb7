import { getJestProjectsAsync } from '@nx/jest';

// Every project's own jest config; the workspace root is not a test project itself.
export default async () => ({
  projects: (await getJestProjectsAsync()).filter((project) => project !== '<rootDir>'),
});
