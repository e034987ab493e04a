// The native addon, built by tools/setup.sh (node-gyp, native/binding.gyp). Service bundles keep this
// module external (tools/build/bundle.mjs), so it is loaded from node_modules at run time.
'use strict';
module.exports = require('./native/build/Release/rdkafka_batch.node');
