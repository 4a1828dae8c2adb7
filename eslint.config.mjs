import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nx from '@nx/eslint-plugin';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The gateway plugins, from their own project.json: the `gateway:<code>` tag and the SDK import
 * patterns in `metadata.gatewaySdk` (the plugin's descriptor spec checks they agree with it).
 * A new gateway is picked up here without editing this file.
 */
const gatewayPlugins = readdirSync(join(root, 'plugins'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'plugins', entry.name, 'project.json')))
  .map((entry) => JSON.parse(readFileSync(join(root, 'plugins', entry.name, 'project.json'), 'utf8')))
  .map((project) => ({
    tag: (project.tags ?? []).find((tag) => tag.startsWith('gateway:')),
    sdk: project.metadata?.gatewaySdk ?? [],
  }))
  .filter((plugin) => plugin.tag);

const gatewaySdks = gatewayPlugins.flatMap((plugin) => plugin.sdk);
const serverOnly = ['@nestjs/*', 'typeorm', 'better-sqlite3', 'pg', 'express', 'argon2'];

// The layering of docs/design.md, by project tag. Spec files may also use the sandboxes and the test harness.
const constraints = (extraForTests = []) => [
  {
    sourceTag: 'type:sdk',
    onlyDependOnLibsWithTags: ['type:sdk', ...extraForTests],
    bannedExternalImports: [...gatewaySdks, '@angular/*'],
  },
  // Each plugin may import its own gateway's SDK and no other's.
  ...gatewayPlugins.map((plugin) => ({
    sourceTag: plugin.tag,
    onlyDependOnLibsWithTags: ['type:sdk', ...extraForTests],
    bannedExternalImports: [...gatewaySdks.filter((sdk) => !plugin.sdk.includes(sdk)), '@angular/*'],
  })),
  {
    sourceTag: 'type:core',
    onlyDependOnLibsWithTags: ['type:core', 'type:sdk', 'type:contract', ...extraForTests],
    bannedExternalImports: [...gatewaySdks, '@angular/*'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:core', 'type:sdk', 'type:plugin', 'type:contract', ...extraForTests],
    bannedExternalImports: [...gatewaySdks, '@angular/*'],
  },
  {
    sourceTag: 'type:sandbox',
    onlyDependOnLibsWithTags: ['type:sdk', ...extraForTests],
    bannedExternalImports: ['@angular/*'],
  },
  {
    sourceTag: 'type:contract',
    onlyDependOnLibsWithTags: [],
    bannedExternalImports: [...serverOnly, ...gatewaySdks, '@angular/*'],
  },
  {
    sourceTag: 'type:console',
    onlyDependOnLibsWithTags: ['type:contract'],
    bannedExternalImports: [...serverOnly, ...gatewaySdks],
  },
  {
    // Code that runs in the customer's browser (the checkout component): no server code, no SDKs.
    sourceTag: 'type:browser',
    onlyDependOnLibsWithTags: [],
    bannedExternalImports: [...serverOnly, ...gatewaySdks, '@angular/*'],
  },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:sdk',
      'type:plugin',
      'type:contract',
      'type:sandbox',
      'type:app',
      'type:testing',
    ],
  },
];

const boundaries = (extraForTests) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    // The workspace's list of installed gateways (gateways.json, at the root, in no project): data the
    // API's composition point and the sandbox runner both read.
    allow: ['^(\\.\\./)+gateways\\.json$'],
    depConstraints: constraints(extraForTests),
  },
];

const specFiles = [
  '**/*.spec.ts',
  '**/e2e/**/*.ts',
  '**/deploy/**/*.ts', // apps/api/deploy: the deployment specs and their support
  '**/testing/**/*.ts',
  '**/bench/**/*.ts',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/data', '**/coverage', '**/.nx'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: specFiles,
    rules: {
      '@nx/enforce-module-boundaries': boundaries(['type:sandbox', 'type:testing', 'type:plugin']),
      // Tests may assert what they just set up.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
];
