// Unit tests: the alert rules through promtool (check and unit tests), dashboard query extraction.
module.exports = require('../jest.preset.js').jestConfig(__dirname);
