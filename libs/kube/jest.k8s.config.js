module.exports = require('../../jest.preset.js').k8sJestConfig(__dirname);
