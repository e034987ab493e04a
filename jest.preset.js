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

/**
 * The config of a project's *.k8s.test.ts: the preset, plus the global setup that checks the
 * kube-lab is up and installs the CRDs deploy/ needs (tools/deploy-check/src/k8s-global-setup.ts).
 * Run through tools/kube-lab/test-k8s.sh (npm run test:k8s), which brings the lab up and down.
 * @param {string} dir project directory
 */
function k8sJestConfig(dir) {
  return { ...jestConfig(dir, 'k8s'), globalSetup: path.resolve(__dirname, 'tools/deploy-check/src/k8s-global-setup.ts') };
}

module.exports = { jestConfig, k8sJestConfig };
