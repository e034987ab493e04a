const base = require('../../jest.preset.js').k8sJestConfig(__dirname);

module.exports = {
  ...base,
  resolver: require.resolve('./jest.resolver.js'),
  transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex)/)'],
};
