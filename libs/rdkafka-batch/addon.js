// The native addon, built by tools/setup.sh (node-gyp, binding.gyp). Service bundles keep this
// module external (tools/build/bundle.mjs), so it is loaded from node_modules at run time.
'use strict';
module.exports = require('./build/Release/rdkafka_batch.node');
