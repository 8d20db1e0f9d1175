/** Jest runs the TypeScript tests in src/__tests__ through ts-jest, in Node (no browser). */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/__tests__/**/*.spec.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  },
  // The built labextension repeats package.json's name; ui-tests is Playwright's; a virtualenv
  // in the checkout (.venv/) holds other packages' JavaScript, never ours to test.
  modulePathIgnorePatterns: [
    '<rootDir>/jupyter_mlversion/',
    '<rootDir>/ui-tests/',
    '<rootDir>/.venv/'
  ],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.venv/'],
  moduleNameMapper: {
    // Styles and icons' CSS are irrelevant to logic tests.
    '\\.(css|svg)$': '<rootDir>/src/__tests__/empty.js'
  }
};
