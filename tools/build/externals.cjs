// What a service bundle leaves to node_modules at run time (tools/build/bundle.mjs, and the e2e tests'
// test-entry bundles): optional native accelerators (their packages fall back to pure JS when absent),
// the librdkafka binding (a native addon that loads its .node and librdkafka.so from its package
// directory) and the producer's batch addon on it. The Dockerfile copies them into the images.
'use strict';
module.exports = ['msgpackr-extract', '@confluentinc/kafka-javascript', '@mirrorlab/rdkafka-batch/addon'];
