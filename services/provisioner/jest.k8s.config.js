module.exports = require('../../tools/kube-lab/jest.k8s.js').k8sJestConfig(__dirname);
