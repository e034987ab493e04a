// Shared jest settings: TypeScript through @swc/jest (no type checking here;
// the `typecheck` target does that), tests beside the code they test.
const path = require('node:path');

/** @param {string} dir project directory; @param {'unit'|'integration'} kind */
function jestConfig(dir, kind = 'unit') {
  const integration = kind === 'integration';
  return {
    rootDir: dir,
    displayName: `${path.basename(dir)}${integration ? ':integration' : ''}`,
    testEnvironment: 'node',
    transform: {
      '^.+\\.(t|j)s$': [
        require.resolve('@swc/jest'),
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
          module: { type: 'commonjs' },
        },
      ],
    },
    testMatch: integration ? ['<rootDir>/**/*.int.test.ts'] : ['<rootDir>/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/', ...(integration ? [] : ['\\.int\\.test\\.ts$'])],
    testTimeout: integration ? 300_000 : 30_000,
  };
}

module.exports = { jestConfig };
