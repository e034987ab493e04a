// kubernetes-models and @kubernetes-models/* publish ES modules under the "import" export
// condition only. Resolve that condition for those packages alone (jest's CommonJS mode asks
// for "require"), and let the swc transform turn the files into CommonJS.
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+)(\/|$)/;

module.exports = (request, options) => {
  const fromEsmOnly = options.basedir.includes('/node_modules/kubernetes-models/') || options.basedir.includes('/node_modules/@kubernetes-models/');
  if (ESM_ONLY.test(request) || (fromEsmOnly && !request.startsWith('.') && ESM_ONLY.test(request))) {
    return options.defaultResolver(request, { ...options, conditions: ['import', 'default'] });
  }
  return options.defaultResolver(request, options);
};
