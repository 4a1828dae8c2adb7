export default {
  displayName: 'checkout',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/e2e/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/checkout',
};
