import nx from '@nx/eslint-plugin';

const gatewaySdks = ['stripe', 'square', '@paypal/*'];
const serverOnly = ['@nestjs/*', 'typeorm', 'better-sqlite3', 'pg', 'express', 'argon2'];

// The layering of docs/design.md, by project tag. Spec files may also use the sandboxes and the test harness.
const constraints = (extraForTests = []) => [
  {
    sourceTag: 'type:sdk',
    onlyDependOnLibsWithTags: ['type:sdk', ...extraForTests],
    bannedExternalImports: [...gatewaySdks, '@angular/*'],
  },
  {
    sourceTag: 'gateway:stripe',
    onlyDependOnLibsWithTags: ['type:sdk', ...extraForTests],
    bannedExternalImports: ['square', '@paypal/*', '@angular/*'],
  },
  {
    sourceTag: 'gateway:paypal',
    onlyDependOnLibsWithTags: ['type:sdk', ...extraForTests],
    bannedExternalImports: ['stripe', 'square', '@angular/*'],
  },
  {
    sourceTag: 'gateway:square',
    onlyDependOnLibsWithTags: ['type:sdk', ...extraForTests],
    bannedExternalImports: ['stripe', '@paypal/*', '@angular/*'],
  },
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
    allow: [],
    depConstraints: constraints(extraForTests),
  },
];

const specFiles = ['**/*.spec.ts', '**/e2e/**/*.ts', '**/testing/**/*.ts', '**/bench/**/*.ts'];

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
