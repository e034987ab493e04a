// The jest config of a project's *.k8s.test.ts: the shared preset, plus a global setup that
// connects to the running kube-lab and installs the project's CRDs (src/k8s-global-setup.ts).
// Run through tools/kube-lab/test-k8s.sh (npm run test:k8s), which brings the lab up and down.
const { jestConfig } = require('../../jest.preset.js');

/** @param {string} dir project directory */
function k8sJestConfig(dir) {
  return { ...jestConfig(dir, 'k8s'), globalSetup: require.resolve('./src/k8s-global-setup.ts') };
}

module.exports = { k8sJestConfig };
