// Shared jest settings: TypeScript through @swc/jest (no type checking here;
// the `typecheck` target does that), tests beside the code they test.
const path = require('node:path');

const SUFFIX = { unit: '.test.ts', integration: '.int.test.ts', k8s: '.k8s.test.ts' };

/**
 * @param {string} dir project directory
 * @param {'unit'|'integration'|'k8s'} kind `integration`: *.int.test.ts against the Kafka lab;
 *   `k8s`: *.k8s.test.ts against the local Kubernetes control plane (tools/kube-lab)
 */
function jestConfig(dir, kind = 'unit') {
  const integration = kind !== 'unit';
  return {
    rootDir: dir,
    displayName: `${path.basename(dir)}${integration ? `:${kind}` : ''}`,
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
    testMatch: [`<rootDir>/**/*${SUFFIX[kind]}`],
    testPathIgnorePatterns: ['/node_modules/', '/dist/', ...(integration ? [] : ['\\.int\\.test\\.ts$', '\\.k8s\\.test\\.ts$'])],
    testTimeout: integration ? 300_000 : 30_000,
  };
}

module.exports = { jestConfig };
