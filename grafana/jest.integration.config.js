// Integration: every dashboard query against the lab's real Prometheus after a real run.
module.exports = require('../jest.preset.js').jestConfig(__dirname, 'integration');
